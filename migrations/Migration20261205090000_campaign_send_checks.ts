import { loadMikroMigrations } from '../src/core/db/mikro-orm.js';

const { Migration } = loadMikroMigrations();

/**
 * The campaign send's per-group statements without a per-row foreign-key check, and statistics
 * for the claims (BENCHMARKS.md, Session 12):
 *
 * - `campaign_recipients.message_id → messages` becomes a check per statement. The foreign key
 *   queued a trigger for each recipient a group started (1,000 for an e-mail group), each a query
 *   and a FOR KEY SHARE lock on the message just inserted — 13 of the 47 ms a group's start took.
 *   The database still refuses what the key refused (docs/decisions.md, "Campaign recipients are
 *   checked per statement"):
 *   - inserting or updating recipients: one statement-level trigger (transition table) refuses
 *     the statement if any of its rows names a message that does not exist;
 *   - deleting a message (nothing in crm does): refused while a recipient names it; the trigger
 *     first takes `campaign_recipients` in SHARE mode, which waits for senders in flight, and
 *     then looks with a snapshot that sees what they committed. No lock is needed on the hot
 *     path for that: messages are never deleted by crm, and a message's id is fixed;
 *   - TRUNCATE of `messages` is refused while a recipient names a message, unless the same
 *     command empties `campaign_recipients` too (as the foreign key's CASCADE did).
 * - `campaign_recipients_analyze()`: the schema owner's ANALYZE of the table, callable by the
 *   groups that send. A snapshot adds up to a million rows; without fresh statistics PostgreSQL
 *   takes the campaign for a few rows and sorts all of it at every claim, and the embedded
 *   database has no autovacuum to refresh them.
 */
export class Migration20261205090000_campaign_send_checks extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table campaign_recipients drop constraint campaign_recipients_message_id_fkey;');
    // Planned afresh (EXECUTE) for the statement's row count, with the page costs of a table in
    // memory: a group's thousand key lookups, not a scan of every message ever sent.
    this.addSql(`create function campaign_recipients_check_messages() returns trigger language plpgsql
  set random_page_cost = 1.1 as $$
declare
  missing uuid;
begin
  execute 'select n.message_id from campaign_recipients_new n
    where n.message_id is not null and not exists (select 1 from messages m where m.id = n.message_id) limit 1'
    into missing;
  if missing is not null then
    raise exception 'insert or update on table "campaign_recipients" violates its reference to table "messages"'
      using errcode = 'foreign_key_violation',
        detail = format('Key (message_id)=(%s) is not present in table "messages".', missing),
        table = 'campaign_recipients', constraint = 'campaign_recipients_message_id_check';
  end if;
  return null;
end $$;`);
    this.addSql(`create trigger campaign_recipients_check_messages_insert after insert on campaign_recipients
  referencing new table as campaign_recipients_new
  for each statement execute function campaign_recipients_check_messages();`);
    this.addSql(`create trigger campaign_recipients_check_messages_update after update on campaign_recipients
  referencing new table as campaign_recipients_new
  for each statement execute function campaign_recipients_check_messages();`);
    this.addSql(`create function messages_guard_recipients() returns trigger language plpgsql
  security definer set search_path = public, pg_temp as $$
declare
  held boolean;
begin
  lock table campaign_recipients in share mode;
  if TG_OP = 'TRUNCATE' then
    select exists (select 1 from campaign_recipients r where r.message_id is not null) into held;
    if held then
      raise exception 'cannot truncate table "messages": campaign recipients name its messages'
        using errcode = 'foreign_key_violation', table = 'messages',
          constraint = 'campaign_recipients_message_id_check';
    end if;
    return null;
  end if;
  if TG_OP = 'UPDATE' then
    raise exception 'a message keeps its id' using errcode = 'foreign_key_violation', table = 'messages';
  end if;
  select exists (select 1 from campaign_recipients r where r.message_id = OLD.id) into held;
  if held then
    raise exception 'update or delete on table "messages" violates its reference from table "campaign_recipients"'
      using errcode = 'foreign_key_violation',
        detail = format('Key (id)=(%s) is still referenced from table "campaign_recipients".', OLD.id),
        table = 'messages', constraint = 'campaign_recipients_message_id_check';
  end if;
  return OLD;
end $$;`);
    this.addSql(`create trigger messages_guard_recipients_delete before delete on messages
  for each row execute function messages_guard_recipients();`);
    this.addSql(`create trigger messages_guard_recipients_update before update of id on messages
  for each row when (NEW.id is distinct from OLD.id) execute function messages_guard_recipients();`);
    this.addSql(`create trigger messages_guard_recipients_truncate after truncate on messages
  for each statement execute function messages_guard_recipients();`);
    this.addSql(`create function campaign_recipients_analyze() returns void language plpgsql
  security definer set search_path = public, pg_temp as $$
begin
  analyze campaign_recipients;
end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop function campaign_recipients_analyze();');
    this.addSql('drop trigger messages_guard_recipients_truncate on messages;');
    this.addSql('drop trigger messages_guard_recipients_update on messages;');
    this.addSql('drop trigger messages_guard_recipients_delete on messages;');
    this.addSql('drop function messages_guard_recipients();');
    this.addSql('drop trigger campaign_recipients_check_messages_update on campaign_recipients;');
    this.addSql('drop trigger campaign_recipients_check_messages_insert on campaign_recipients;');
    this.addSql('drop function campaign_recipients_check_messages();');
    this.addSql(`alter table campaign_recipients
  add constraint campaign_recipients_message_id_fkey foreign key (message_id) references messages (id);`);
  }
}
