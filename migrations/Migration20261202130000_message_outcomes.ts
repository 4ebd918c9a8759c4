import { loadMikroMigrations } from '../src/core/db/mikro-orm.js';

const { Migration } = loadMikroMigrations();

/**
 * Each send attempt's state on its message row, so that a runner that dies mid-send leaves an
 * outcome that can be settled instead of guessed (docs/reminders.md, "After a crash"):
 * - `sending` (with `send_started_at`, the database's time) is committed just before the provider
 *   is called: a row still `sending` after its runner's lease is a send whose outcome is unknown;
 *   `pending` now only means "claimed, provider never called";
 * - `unknown`: the outcome could not be established (an e-mail in doubt, assumed sent; a Twilio
 *   lookup that failed);
 * - `reminder_lease_ended`: the reminders whose lease ran out without an outcome recorded, which
 *   the sweep at the start of `crm reminder send` settles (a partial index: normally empty).
 * - `messages_provider_id`: a lookup that finds a message at the provider checks that no other row
 *   has recorded it already (three reminders of one appointment can carry the same text).
 * Rows an older runner left `pending` and that no reminder points at any more (a re-claim made a
 * new row) cannot be told apart — sent or never called — so they become `unknown`.
 */
export class Migration20261202130000_message_outcomes extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table messages add column send_started_at timestamptz;');
    this.addSql('alter table messages drop constraint messages_status_check;');
    this.addSql(`alter table messages add constraint messages_status_check check (status in
  ('pending', 'sending', 'queued', 'sent', 'delivered', 'failed', 'undelivered', 'unknown'));`);
    this.addSql(`alter table messages add constraint messages_sending_started
  check (status <> 'sending' or send_started_at is not null);`);
    this.addSql(`update messages m set status = 'unknown', error_code = 'interrupted',
  error_message = 'left pending by a runner that stopped before send attempts were recorded; outcome unknown',
  updated_at = now()
where m.purpose = 'reminder' and m.status = 'pending'
  and not exists (select 1 from reminder r where r.message_id = m.id and r.status = 'pending');`);
    this.addSql(`create index messages_provider_id on messages (provider_message_id)
  where provider_message_id is not null;`);
    this.addSql(`create index reminder_lease_ended on reminder (claimed_until)
  where status = 'pending' and claimed_until is not null;`);
  }
  /** Back to the old statuses: a send in progress is `pending` again, an unknown outcome `failed`. */
  override async down(): Promise<void> {
    this.addSql('drop index reminder_lease_ended;');
    this.addSql('drop index messages_provider_id;');
    this.addSql('alter table messages drop constraint messages_sending_started;');
    this.addSql('alter table messages drop constraint messages_status_check;');
    this.addSql(`update messages set status = case status when 'sending' then 'pending' else 'failed' end
where status in ('sending', 'unknown');`);
    this.addSql(`alter table messages add constraint messages_status_check
  check (status in ('pending', 'queued', 'sent', 'delivered', 'failed', 'undelivered'));`);
    this.addSql('alter table messages drop column send_started_at;');
  }
}
