import { isoTimestamp, isoTimestampOrNull } from '../db/values.js';
import type { Campaign } from './campaign.entity.js';

/** A campaign as commands print it and `--json` shows it. */
export interface CampaignView {
  id: string;
  slug: string;
  name: string;
  segment: string;
  hospital: string | null;
  inactiveDays: number | null;
  tiers: string[] | null;
  channel: string;
  purpose: string;
  languages: string[];
  subject: string | null;
  contentSid: string | null;
  /** Each language's Content SID when they differ; null when one template serves every language. */
  contentSids: Record<string, string> | null;
  status: string;
  pauseReason: string | null;
  holdoutPercent: number | null;
  snapshotAt: string | null;
  audience: number;
  sent: number;
  failed: number;
  skipped: number;
  holdout: number;
  createdBy: string;
  createdAt: string;
}

export function toCampaignView(c: Campaign, hospitalCode: string | null = null): CampaignView {
  return {
    id: c.id,
    slug: c.slug,
    name: c.name,
    segment: c.segment,
    hospital: hospitalCode,
    inactiveDays: c.inactiveDays ?? null,
    tiers: c.tiers ?? null,
    channel: c.channel,
    purpose: c.purpose,
    languages: Object.keys(c.templates),
    subject: c.subject ?? null,
    contentSid: c.contentSid ?? null,
    contentSids: (c.contentSids as Record<string, string> | null | undefined) ?? null,
    status: c.status,
    pauseReason: c.pauseReason ?? null,
    holdoutPercent: c.holdoutBps == null ? null : c.holdoutBps / 100,
    snapshotAt: isoTimestampOrNull(c.snapshotAt),
    audience: c.audienceCount,
    sent: c.sentCount,
    failed: c.failedCount,
    skipped: c.skippedCount,
    holdout: c.holdoutCount,
    createdBy: c.createdBy,
    createdAt: isoTimestamp(c.createdAt),
  };
}
