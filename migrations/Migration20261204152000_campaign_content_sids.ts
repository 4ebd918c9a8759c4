import { loadMikroMigrations } from '../src/core/db/mikro-orm.js';

const { Migration } = loadMikroMigrations();

/**
 * A WhatsApp campaign may name one approved template per language (`--content-sid
 * en=HX…,yo=HX…`): Meta approves a template in one language, so a Yoruba variant needs its own
 * Content SID. `content_sid` stays the English one (the fallback, and what the existing check
 * requires of every WhatsApp campaign); `content_sids` holds every language's, English included,
 * or is null when one template serves every language.
 */
export class Migration20261204152000_campaign_content_sids extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table campaign add column content_sids jsonb;`);
    this.addSql(`
alter table campaign add constraint campaign_content_sids_english
  check (content_sids is null or (content_sids ->> 'en') = content_sid);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table campaign drop column content_sids;`);
  }
}
