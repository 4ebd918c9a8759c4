import type { ServiceContext } from '../context.js';
import { query } from '../db/sql.js';
import { campaignRepository } from './campaign.repository.js';
import { type CampaignView, toCampaignView } from './campaign.view.js';

/** Error codes in words, for `campaign status`. */
export const ERROR_REASONS: Record<string, string> = {
  '21211': 'invalid phone number',
  '21408': 'region not enabled for this account',
  '21610': 'recipient unsubscribed (STOP): opted out',
  '21612': 'number cannot receive from this sender',
  '21614': 'not a mobile number',
  '21611': 'provider queue full (transient)',
  '20429': 'too many requests (transient)',
  '63016': 'WhatsApp: outside the 24-hour window, needs an approved template',
  '63017': 'account rate limit (transient)',
  '30003': 'handset unreachable',
  '30004': 'message blocked (DND register or carrier)',
  '30005': 'unknown destination handset',
  '30006': 'landline or unreachable carrier',
  '30007': 'carrier filtered the message',
  '30008': 'unknown delivery error',
  http_400: 'rejected by the provider (bad request)',
  http_429: 'too many requests (transient)',
  http_500: 'provider error (transient)',
  http_502: 'provider error (transient)',
  http_503: 'provider unavailable (transient)',
  not_sent: 'not sent (sender stopped before the call)',
  interrupted: 'sender stopped during the call; outcome unknown',
  lookup_failed: 'sender stopped during the call; the provider could not be asked',
  no_contact: 'no phone number or e-mail address',
  opted_out: 'opted out of the channel',
  no_consent: 'no marketing consent for the channel',
  frequency_cap: 'frequency cap reached',
  cancelled: 'campaign cancelled',
  holdout: 'held out on purpose (measures the effect)',
  ECONNREFUSED: 'provider unreachable (transient)',
  ETIMEDOUT: 'provider timed out (transient)',
};

export function reasonInWords(code: string | null): string {
  if (!code) return '';
  return (
    ERROR_REASONS[code] ?? (code.startsWith('http_5') ? 'provider error (transient)' : 'see crm message list')
  );
}

export interface CampaignStatusView {
  campaign: CampaignView;
  byStatus: Record<string, number>;
  successCount: number;
  failureCount: number;
  skippedCount: number;
  deliveryRate: number | null;
  failures: { code: string; reason: string; count: number }[];
  skipped: { code: string; reason: string; count: number }[];
  /** What `message sync` learned: the provider's delivery statuses of the messages sent. */
  delivery: Record<string, number>;
  /** Messages whose delivery status was fetched by `message sync`. */
  syncedMessages: number;
}

/** A campaign's progress and outcomes, from its recipients and their messages. */
export async function campaignStatus(ctx: ServiceContext, ref: string): Promise<CampaignStatusView> {
  const campaign = await campaignRepository(ctx.em).getByRef(ref);
  const byStatusRows = await query<{ status: string; n: number }>(
    ctx.em,
    `select status, count(*)::int as n from campaign_recipients where campaign_id = $1 group by status order by status`,
    [campaign.id],
  );
  const byStatus = Object.fromEntries(byStatusRows.map((r) => [r.status, r.n]));
  const failures = await query<{ code: string; n: number }>(
    ctx.em,
    `select coalesce(m.error_code, r.reason, 'unknown') as code, count(*)::int as n
     from campaign_recipients r left join messages m on m.id = r.message_id
     where r.campaign_id = $1 and (r.status = 'failed' or m.status in ('failed', 'undelivered'))
     group by 1 order by 2 desc`,
    [campaign.id],
  );
  const skipped = await query<{ code: string; n: number }>(
    ctx.em,
    `select coalesce(reason, 'unknown') as code, count(*)::int as n from campaign_recipients
     where campaign_id = $1 and status = 'skipped' group by 1 order by 2 desc`,
    [campaign.id],
  );
  const delivery = await query<{ status: string; n: number; synced: number }>(
    ctx.em,
    `select m.status, count(*)::int as n, count(m.status_checked_at)::int as synced
     from campaign_recipients r join messages m on m.id = r.message_id
     where r.campaign_id = $1 group by 1 order by 1`,
    [campaign.id],
  );
  const success = byStatus.sent ?? 0;
  const failure = byStatus.failed ?? 0;
  return {
    campaign: toCampaignView(campaign),
    byStatus,
    successCount: success,
    failureCount: failure,
    skippedCount: byStatus.skipped ?? 0,
    deliveryRate: success + failure > 0 ? Math.round((success / (success + failure)) * 10000) / 10000 : null,
    failures: failures.map((f) => ({ code: f.code, reason: reasonInWords(f.code), count: f.n })),
    skipped: skipped.map((f) => ({ code: f.code, reason: reasonInWords(f.code), count: f.n })),
    delivery: Object.fromEntries(delivery.map((d) => [d.status, d.n])),
    syncedMessages: delivery.reduce((a, d) => a + d.synced, 0),
  };
}
