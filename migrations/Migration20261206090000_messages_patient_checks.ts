import { loadMikroMigrations } from '../src/core/db/mikro-orm.js';

const { Migration } = loadMikroMigrations();

/**
 * `messages.patient_id → patient` is checked once per statement instead of once per row (issue 16,
 * BENCHMARKS.md "Session 14"). The foreign key queued a trigger for every message inserted, each
 * a query and a FOR KEY SHARE lock that writes the patient's tuple: 46 of the ~90 ms an e-mail
 * group of 1,000 took to start, half of what PostgreSQL spent on a campaign's messages. The
 * database still refuses what the key refused (docs/decisions.md, "Message → patient is checked
 * per statement"), from any client:
 * - inserting messages: one statement-level trigger (transition table) refuses the statement if
 *   any new row names a patient that does not exist;
 * - moving a message to another patient (`patient merge`): a row trigger whose WHEN clause is
 *   false for every other update (a send's outcomes pay nothing for it) checks the new patient;
 * - deleting a patient (`patient merge` deletes the duplicate after moving its messages):
 *   refused while a message names it. The trigger first takes `messages` in SHARE mode, which
 *   waits for transactions writing messages (they hold ROW EXCLUSIVE) and makes later ones wait
 *   for the delete; its check then runs with a snapshot that sees what they committed. So the
 *   inserting side needs no lock on the patient row; deletes are rare and short;
 * - TRUNCATE of `patient` is refused while a message names a patient, unless the same command
 *   empties `messages` too (as the foreign key's CASCADE did).
 * The triggers that read `patient` and `messages` run as the schema owner (SECURITY DEFINER):
 * the LOCK needs a privilege the groups do not all hold (docs/access-control.md).
 */
export class Migration20261206090000_messages_patient_checks extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table messages drop constraint messages_patient_id_fkey;');
    // Planned afresh (EXECUTE) for the statement's row count: a group's thousand key lookups, or
    // one for a single message.
    this.addSql(`create function messages_check_patients() returns trigger language plpgsql
  security definer set search_path = public, pg_temp set random_page_cost = 1.1 as $$
declare
  missing uuid;
begin
  if TG_LEVEL = 'ROW' then
    perform 1 from patient p where p.id = NEW.patient_id;
    if not found then
      missing := NEW.patient_id;
    end if;
  else
    execute 'select n.patient_id from messages_new n
      where n.patient_id is not null and not exists (select 1 from patient p where p.id = n.patient_id) limit 1'
      into missing;
  end if;
  if missing is not null then
    raise exception 'insert or update on table "messages" violates its reference to table "patient"'
      using errcode = 'foreign_key_violation',
        detail = format('Key (patient_id)=(%s) is not present in table "patient".', missing),
        table = 'messages', constraint = 'messages_patient_id_check';
  end if;
  return null;
end $$;`);
    this.addSql(`create trigger messages_check_patients_insert after insert on messages
  referencing new table as messages_new
  for each statement execute function messages_check_patients();`);
    this.addSql(`create trigger messages_check_patients_update after update of patient_id on messages
  for each row when (NEW.patient_id is distinct from OLD.patient_id and NEW.patient_id is not null)
  execute function messages_check_patients();`);
    this.addSql(`create function patient_guard_messages() returns trigger language plpgsql
  security definer set search_path = public, pg_temp as $$
declare
  held uuid;
begin
  lock table messages in share mode;
  if TG_OP = 'TRUNCATE' then
    select m.patient_id into held from messages m where m.patient_id is not null limit 1;
    if held is not null then
      raise exception 'cannot truncate table "patient": messages name its patients'
        using errcode = 'foreign_key_violation', table = 'patient', constraint = 'messages_patient_id_check';
    end if;
    return null;
  end if;
  if exists (select 1 from messages m where m.patient_id = OLD.id) then
    raise exception 'update or delete on table "patient" violates its reference from table "messages"'
      using errcode = 'foreign_key_violation',
        detail = format('Key (id)=(%s) is still referenced from table "messages".', OLD.id),
        table = 'patient', constraint = 'messages_patient_id_check';
  end if;
  return OLD;
end $$;`);
    this.addSql(`create trigger patient_guard_messages_delete before delete on patient
  for each row execute function patient_guard_messages();`);
    this.addSql(`create trigger patient_guard_messages_truncate after truncate on patient
  for each statement execute function patient_guard_messages();`);
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger patient_guard_messages_truncate on patient;');
    this.addSql('drop trigger patient_guard_messages_delete on patient;');
    this.addSql('drop function patient_guard_messages();');
    this.addSql('drop trigger messages_check_patients_update on messages;');
    this.addSql('drop trigger messages_check_patients_insert on messages;');
    this.addSql('drop function messages_check_patients();');
    this.addSql(`alter table messages
  add constraint messages_patient_id_fkey foreign key (patient_id) references patient (id);`);
  }
}
