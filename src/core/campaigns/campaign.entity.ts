import type { InferEntity } from '@mikro-orm/core';
import { mikroCore } from '../db/mikro-orm.js';
import { Hospital } from '../hospitals/hospital.entity.js';
import { Message } from '../messaging/message.entity.js';
import { Owner } from '../owners/owner.entity.js';
import { type Channel, Patient } from '../patients/patient.entity.js';
import { CampaignRepository } from './campaign.repository.js';

const { defineEntity } = mikroCore;

export const SEGMENTS = ['all-patients', 'high-value', 'inactive', 'all-owners'] as const;
export type Segment = (typeof SEGMENTS)[number];
export const CAMPAIGN_PURPOSES = ['marketing', 'service'] as const;
export type CampaignPurpose = (typeof CAMPAIGN_PURPOSES)[number];
export const CAMPAIGN_STATUSES = ['draft', 'sending', 'paused', 'completed', 'cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export const TIERS = ['bronze', 'silver', 'gold', 'platinum'] as const;
export type Tier = (typeof TIERS)[number];
export const RECIPIENT_STATUSES = [
  'pending',
  'sending',
  'sent',
  'failed',
  'skipped',
  'holdout',
  'unknown',
] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];

/** Template text per language (`en` required, the fallback): `{ en: "Hello {{first_name}}…" }`. */
export type CampaignTemplates = Partial<Record<'en' | 'pcm' | 'yo' | 'ha' | 'ig', string>>;

/**
 * A campaign (table `campaign`), referred to by its slug. Its checks (a WhatsApp campaign has a
 * Content SID, an e-mail campaign a subject, the slug's shape) live in
 * migrations/Migration20261203120000_campaigns.ts. The counters are refreshed from
 * `campaign_recipients` after each send run (the recipients are the record; the counters a cache
 * for `campaign list`).
 */
export const Campaign = defineEntity({
  name: 'Campaign',
  tableName: 'campaign',
  repository: () => CampaignRepository,
  properties: (p) => ({
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    slug: p.text().unique(),
    name: p.text(),
    segment: p.text().$type<Segment>(),
    hospital: p.manyToOne(Hospital).nullable(),
    inactiveDays: p.integer().nullable(),
    tiers: p.array().$type<string[]>().nullable(),
    channel: p.text().$type<Channel>(),
    purpose: p.text().$type<CampaignPurpose>().default('marketing'),
    templates: p.json<CampaignTemplates>(),
    subject: p.text().nullable(),
    contentSid: p.text().nullable(),
    /** Per language when each variant has its own approved template (English included); null: one for all. */
    contentSids: p.json<CampaignTemplates>().nullable(),
    status: p.text().$type<CampaignStatus>().default('draft'),
    holdoutBps: p.integer().nullable(),
    pauseReason: p.text().nullable(),
    snapshotAt: p.datetime().nullable(),
    audienceCount: p.integer().default(0),
    sentCount: p.integer().default(0),
    failedCount: p.integer().default(0),
    skippedCount: p.integer().default(0),
    holdoutCount: p.integer().default(0),
    createdBy: p.text(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  }),
});
export type Campaign = InferEntity<typeof Campaign>;

/**
 * One person of a campaign's audience snapshot (table `campaign_recipients`): the send's work
 * queue and its record. Written set-based (campaign.sql.ts); the entity is for reads.
 */
export const CampaignRecipient = defineEntity({
  name: 'CampaignRecipient',
  tableName: 'campaign_recipients',
  properties: (p) => ({
    id: p.bigint('string').primary().autoincrement(),
    campaign: p.manyToOne(Campaign),
    patient: p.manyToOne(Patient).nullable(),
    owner: p.manyToOne(Owner).nullable(),
    status: p.text().$type<RecipientStatus>().default('pending'),
    reason: p.text().nullable(),
    retryable: p.boolean().default(false),
    message: p.manyToOne(Message).nullable(),
    claimedBy: p.text().nullable(),
    claimedUntil: p.datetime().nullable(),
    attemptedAt: p.datetime().nullable(),
  }),
});
export type CampaignRecipient = InferEntity<typeof CampaignRecipient>;
