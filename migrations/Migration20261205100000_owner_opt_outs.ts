import { loadMikroMigrations } from '../src/core/db/mikro-orm.js';

const { Migration } = loadMikroMigrations();

/**
 * Owners can be sent campaigns (segment `all-owners`), so they can opt out of a channel as
 * patients do: by replying STOP, through Twilio 21610 (unsubscribed), or by `crm owner edit
 * --opt-out`. The snapshot and the send's re-check skip an opted-out owner (`opted_out`).
 */
export class Migration20261205100000_owner_opt_outs extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table owner
  add column opted_out_sms boolean not null default false,
  add column opted_out_whatsapp boolean not null default false,
  add column opted_out_email boolean not null default false;`);
  }

  override async down(): Promise<void> {
    this.addSql(`
alter table owner
  drop column opted_out_sms,
  drop column opted_out_whatsapp,
  drop column opted_out_email;`);
  }
}
