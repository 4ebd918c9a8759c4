import { loadMikroMigrations } from '../src/core/db/mikro-orm.js';

const { Migration } = loadMikroMigrations();

/**
 * The audience snapshot of a campaign (one `INSERT … SELECT` of up to a million rows) without the
 * per-row foreign-key checks of `campaign_recipients.campaign_id`, `.patient_id` and `.owner_id`
 * (15 of its 23 s at 1,000,000 patients: each check a query and a FOR KEY SHARE lock, which
 * writes the patient's tuple; the owner key's after-row event fired for every patient row too,
 * its value null). The database still refuses what the foreign keys refused (docs/decisions.md,
 * "Campaign recipients are checked per statement"):
 * - inserting: one statement-level trigger (transition table) refuses the statement if any new
 *   row names a campaign, patient or owner that does not exist, and locks the campaigns named (FOR KEY
 *   SHARE, once each, as the foreign key did) so that none is deleted before commit;
 * - updating: a recipient's campaign and patient (or owner) are fixed (a merge does not move them; it
 *   refuses a duplicate that has campaign history). A row trigger whose WHEN clause is false
 *   for the sender's status updates, so they pay nothing for it;
 * - deleting a patient, an owner or a campaign: refused while a recipient names it. The trigger first takes
 *   `campaign_recipients` in SHARE mode, which waits for snapshots in flight (they hold ROW
 *   EXCLUSIVE) and makes snapshots that start later wait for the deleting transaction; its check
 *   then runs with a new snapshot (READ COMMITTED) that sees rows just committed. Deletes are
 *   rare (`patient merge`), so the lock costs little.
 * Also: the null entries of a snapshot's rows are left out of the message and owner indexes, and
 * the identity caches 1,000 ids (BENCHMARKS.md, Session 11).
 * SECURITY DEFINER: the LOCK and FOR KEY SHARE need privileges that the groups do not all hold
 * on these tables (docs/access-control.md); the functions do nothing else.
 */
export class Migration20261204150000_campaign_recipients_statement_checks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table campaign_recipients drop constraint campaign_recipients_campaign_id_fkey,
  drop constraint campaign_recipients_patient_id_fkey,
  drop constraint campaign_recipients_owner_id_fkey;`);
    // The queries run through EXECUTE, planned afresh with the number of new rows: a plan cached
    // for a one-row insert (probing patient's key per row) would be kept for a million-row
    // snapshot, where a hash anti-join is the one that costs little.
    this.addSql(`create function campaign_recipients_check_inserted() returns trigger language plpgsql
  security definer set search_path = public, pg_temp as $$
declare
  ids uuid[];
  locked int;
  missing uuid;
begin
  execute 'select array_agg(campaign_id) from (select campaign_id from campaign_recipients_new group by 1) n'
    into ids;
  -- Locks each campaign named once (a foreign key's FOR KEY SHARE), and counts those that exist.
  perform 1 from campaign c where c.id = any(ids) for key share;
  get diagnostics locked = row_count;
  if locked < coalesce(cardinality(ids), 0) then
    select n.id into missing from unnest(ids) n(id) where not exists (select 1 from campaign c where c.id = n.id)
     limit 1;
    raise exception 'insert on table "campaign_recipients" violates its reference to table "campaign"'
      using errcode = 'foreign_key_violation',
        detail = format('Key (campaign_id)=(%s) is not present in table "campaign".', missing),
        table = 'campaign_recipients', constraint = 'campaign_recipients_campaign_id_check';
  end if;
  execute 'select n.patient_id from campaign_recipients_new n
    where n.patient_id is not null and not exists (select 1 from patient p where p.id = n.patient_id)'
    into missing;
  if missing is not null then
    raise exception 'insert on table "campaign_recipients" violates its reference to table "patient"'
      using errcode = 'foreign_key_violation',
        detail = format('Key (patient_id)=(%s) is not present in table "patient".', missing),
        table = 'campaign_recipients', constraint = 'campaign_recipients_patient_id_check';
  end if;
  execute 'select n.owner_id from campaign_recipients_new n
    where n.owner_id is not null and not exists (select 1 from owner o where o.id = n.owner_id)'
    into missing;
  if missing is not null then
    raise exception 'insert on table "campaign_recipients" violates its reference to table "owner"'
      using errcode = 'foreign_key_violation',
        detail = format('Key (owner_id)=(%s) is not present in table "owner".', missing),
        table = 'campaign_recipients', constraint = 'campaign_recipients_owner_id_check';
  end if;
  return null;
end $$;`);
    this.addSql(`create trigger campaign_recipients_check_inserted after insert on campaign_recipients
  referencing new table as campaign_recipients_new
  for each statement execute function campaign_recipients_check_inserted();`);
    this.addSql(`create function campaign_recipients_fixed_person() returns trigger language plpgsql as $$
begin
  raise exception 'a campaign recipient keeps its campaign and patient or owner' using errcode = 'CR003',
    table = 'campaign_recipients';
end $$;`);
    this.addSql(`create trigger campaign_recipients_fixed_person before update on campaign_recipients
  for each row when (NEW.campaign_id is distinct from OLD.campaign_id or NEW.patient_id is distinct from OLD.patient_id
                     or NEW.owner_id is distinct from OLD.owner_id)
  execute function campaign_recipients_fixed_person();`);
    // The patient check probes the unique key (campaign_id, patient_id) once per campaign: no
    // index on patient_id alone to keep up at every snapshot, and campaigns are few.
    this.addSql(`create function campaign_recipients_guard_delete() returns trigger language plpgsql
  security definer set search_path = public, pg_temp as $$
declare
  held boolean;
begin
  lock table campaign_recipients in share mode;
  if TG_TABLE_NAME = 'patient' then
    select exists (select 1 from campaign c where exists (
      select 1 from campaign_recipients r where r.campaign_id = c.id and r.patient_id = OLD.id)) into held;
  elsif TG_TABLE_NAME = 'owner' then
    select exists (select 1 from campaign c where exists (
      select 1 from campaign_recipients r where r.campaign_id = c.id and r.owner_id = OLD.id)) into held;
  else
    select exists (select 1 from campaign_recipients r where r.campaign_id = OLD.id) into held;
  end if;
  if held then
    raise exception 'update or delete on table "%" violates its reference from table "campaign_recipients"', TG_TABLE_NAME
      using errcode = 'foreign_key_violation',
        detail = format('Key (id)=(%s) is still referenced from table "campaign_recipients".', OLD.id),
        table = TG_TABLE_NAME, constraint = 'campaign_recipients_' || case TG_TABLE_NAME when 'patient' then 'patient_id' when 'owner' then 'owner_id' else 'campaign_id' end || '_check';
  end if;
  return OLD;
end $$;`);
    this.addSql(`create trigger campaign_recipients_guard_delete before delete on patient
  for each row execute function campaign_recipients_guard_delete();`);
    this.addSql(`create trigger campaign_recipients_guard_delete before delete on campaign
  for each row execute function campaign_recipients_guard_delete();`);
    this.addSql(`create trigger campaign_recipients_guard_delete before delete on owner
  for each row execute function campaign_recipients_guard_delete();`);
    // A snapshot's patient rows have no message yet and no owner: their null entries in these two
    // indexes were written and never looked up (a join on message_id and the owner's uniqueness
    // only concern non-null values). And one buffer access per 1,000 ids instead of per row.
    this.addSql('drop index campaign_recipients_message;');
    this.addSql(`create index campaign_recipients_message on campaign_recipients (message_id)
  where message_id is not null;`);
    this.addSql('alter table campaign_recipients drop constraint campaign_recipients_owner;');
    this.addSql(`create unique index campaign_recipients_owner on campaign_recipients (campaign_id, owner_id)
  where owner_id is not null;`);
    this.addSql('alter table campaign_recipients alter column id set cache 1000;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table campaign_recipients alter column id set cache 1;');
    this.addSql('drop index campaign_recipients_owner;');
    this.addSql(
      'alter table campaign_recipients add constraint campaign_recipients_owner unique (campaign_id, owner_id);',
    );
    this.addSql('drop index campaign_recipients_message;');
    this.addSql('create index campaign_recipients_message on campaign_recipients (message_id);');
    this.addSql('drop trigger campaign_recipients_guard_delete on owner;');
    this.addSql('drop trigger campaign_recipients_guard_delete on campaign;');
    this.addSql('drop trigger campaign_recipients_guard_delete on patient;');
    this.addSql('drop function campaign_recipients_guard_delete();');
    this.addSql('drop trigger campaign_recipients_fixed_person on campaign_recipients;');
    this.addSql('drop function campaign_recipients_fixed_person();');
    this.addSql('drop trigger campaign_recipients_check_inserted on campaign_recipients;');
    this.addSql('drop function campaign_recipients_check_inserted();');
    this.addSql(`alter table campaign_recipients
  add constraint campaign_recipients_campaign_id_fkey foreign key (campaign_id) references campaign (id),
  add constraint campaign_recipients_patient_id_fkey foreign key (patient_id) references patient (id),
  add constraint campaign_recipients_owner_id_fkey foreign key (owner_id) references owner (id);`);
  }
}
