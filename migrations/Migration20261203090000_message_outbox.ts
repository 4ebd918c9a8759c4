import { loadMikroMigrations } from '../src/core/db/mikro-orm.js';

const { Migration } = loadMikroMigrations();

/**
 * The outbox: a message queued by the operation that caused it (a low-rating alert, a loyalty
 * tier change or expiry notice), committed in the same transaction as that state, and sent later
 * by the outbox sender (`crm message send`, also run by `crm reminder send`). A queued message is
 * a `messages` row with `queued_at` set and status `pending`; messages sent at once (owner
 * messages, reminders) leave `queued_at` null, so a send those commands left `pending` by a crash
 * is never picked up and sent a second time by the outbox.
 * - purpose `loyalty`: tier-change and points-expiring notices to patients;
 * - `content_variables`: a queued WhatsApp template message's variables, sent later.
 */
export class Migration20261203090000_message_outbox extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table messages drop constraint messages_purpose_check;');
    this.addSql(`alter table messages add constraint messages_purpose_check
  check (purpose in ('reminder', 'campaign', 'alert', 'owner', 'loyalty'));`);
    this.addSql('alter table messages add column queued_at timestamptz;');
    this.addSql('alter table messages add column content_variables jsonb;');
    this.addSql(`create index messages_outbox on messages (queued_at)
  where status = 'pending' and queued_at is not null;`);
  }
  override async down(): Promise<void> {
    this.addSql('drop index messages_outbox;');
    this.addSql('alter table messages drop column content_variables;');
    this.addSql('alter table messages drop column queued_at;');
    this.addSql('alter table messages drop constraint messages_purpose_check;');
    this.addSql(`alter table messages add constraint messages_purpose_check
  check (purpose in ('reminder', 'campaign', 'alert', 'owner'));`);
  }
}
