import { loadMikroMigrations } from '../src/core/db/mikro-orm.js';

const { Migration } = loadMikroMigrations();

/**
 * Campaigns (docs/campaigns.md): a campaign (`campaign`, referred to by its slug) and its audience
 * snapshot (`campaign_recipients`, one row per patient or owner of the segment when the first
 * `campaign send` started). A recipient row is the send's work queue and its record:
 * - `pending` → `sending` (claimed by a sender under a lease, `message_id` set when its provider
 *   call starts) → `sent` | `failed` | `unknown` (the call's outcome could not be established);
 * - `skipped` (filtered at the snapshot or later: `reason` says why) and `holdout` (kept unsent on
 *   purpose, for measuring the campaign's effect) are never sent.
 * The checks make the create-time rules hold for SQL sent around the tool too (a WhatsApp campaign
 * has a Content SID, an e-mail campaign a subject), and the unique keys make a person appear at
 * most once per campaign.
 */
export class Migration20261203120000_campaigns extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table campaign (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 80),
  name text not null check (length(btrim(name)) between 1 and 200),
  segment text not null check (segment in ('all-patients', 'high-value', 'inactive', 'all-owners')),
  hospital_id uuid references hospital (id),
  inactive_days int check (inactive_days between 1 and 3650),
  tiers text[] check (tiers <@ array['bronze', 'silver', 'gold', 'platinum']::text[]),
  channel text not null check (channel in ('sms', 'whatsapp', 'email')),
  purpose text not null default 'marketing' check (purpose in ('marketing', 'service')),
  templates jsonb not null check (jsonb_typeof(templates) = 'object' and templates ? 'en'),
  subject text,
  content_sid text check (content_sid ~ '^HX[0-9a-fA-F]{32}$'),
  status text not null default 'draft'
    check (status in ('draft', 'sending', 'paused', 'completed', 'cancelled')),
  holdout_bps int check (holdout_bps between 0 and 10000),
  pause_reason text,
  snapshot_at timestamptz,
  audience_count int not null default 0,
  sent_count int not null default 0,
  failed_count int not null default 0,
  skipped_count int not null default 0,
  holdout_count int not null default 0,
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint campaign_whatsapp_content_sid check (channel <> 'whatsapp' or content_sid is not null),
  constraint campaign_email_subject check (channel <> 'email' or length(btrim(subject)) > 0)
);`);
    this.addSql(`create table campaign_recipients (
  id bigint generated always as identity primary key,
  campaign_id uuid not null references campaign (id),
  patient_id uuid references patient (id),
  owner_id uuid references owner (id),
  status text not null default 'pending'
    check (status in ('pending', 'sending', 'sent', 'failed', 'skipped', 'holdout', 'unknown')),
  reason text,
  retryable boolean not null default false,
  message_id uuid references messages (id),
  claimed_by text,
  claimed_until timestamptz,
  attempted_at timestamptz,
  constraint campaign_recipients_one_person check (num_nonnulls(patient_id, owner_id) = 1),
  constraint campaign_recipients_patient unique (campaign_id, patient_id),
  constraint campaign_recipients_owner unique (campaign_id, owner_id)
);`);
    // The send queue: the pending recipients of a campaign, in snapshot order.
    this.addSql(`create index campaign_recipients_pending on campaign_recipients (campaign_id, id)
  where status = 'pending';`);
    this.addSql(`create index campaign_recipients_sending on campaign_recipients (campaign_id, claimed_until)
  where status = 'sending';`);
    // The frequency cap: a patient's recent campaign messages, across every campaign.
    this.addSql(`create index campaign_recipients_recent on campaign_recipients (patient_id, attempted_at)
  where status in ('sent', 'sending', 'unknown');`);
    this.addSql('create index campaign_recipients_message on campaign_recipients (message_id);');
  }
  override async down(): Promise<void> {
    this.addSql('drop table campaign_recipients;');
    this.addSql('drop table campaign;');
  }
}
