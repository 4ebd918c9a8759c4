/**
 * A campaign's audience, as SQL: who the segment holds and, for each person, why they would not
 * be sent to (no contact, opted out, no marketing consent, frequency cap), or null. The same
 * statement feeds the preview's counts (a GROUP BY) and the snapshot (`INSERT … SELECT` into
 * campaign_recipients), so that what the preview promises is what the send takes.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DateTime } from 'luxon';
import type { CampaignSettings } from '../config.js';
import { query } from '../db/sql.js';
import type { Campaign } from './campaign.entity.js';

/** Reasons a segment member is not sent to, in the order they are checked. */
export const SKIP_REASONS = {
  no_contact: 'no phone number or e-mail address for the channel',
  opted_out: 'opted out of the channel',
  no_consent: 'no marketing consent for the channel',
  frequency_cap: 'frequency cap reached (marketing messages in the last days)',
  cancelled: 'campaign cancelled before this person was sent to',
} as const;

interface AudienceSql {
  sql: string;
  params: unknown[];
}

/**
 * The segment's members with `patient_id`, `owner_id`, `language` and `reason` (null: to send).
 * `$1` is reserved for the caller (the campaign id in the snapshot).
 */
export function audienceSql(campaign: Campaign, settings: CampaignSettings, now: DateTime): AudienceSql {
  const params: unknown[] = [campaign.id];
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const ch = campaign.channel;
  if (campaign.segment === 'all-owners') {
    const contact = ch === 'email' ? 'o.email' : 'o.phone';
    // Owners are business partners under contract: no marketing consent or frequency cap, but
    // an opt-out of the channel is honoured as a patient's is.
    return {
      sql: `select null::uuid as patient_id, o.id as owner_id, 'en'::text as language,
          case
            when ${contact} is null then 'no_contact'
            when o.opted_out_${ch} then 'opted_out'
          end as reason
        from owner o`,
      params,
    };
  }
  const contact = ch === 'email' ? 'p.email' : 'p.phone';
  const marketing = campaign.purpose === 'marketing';
  const joins: string[] = [];
  const where: string[] = [];
  if (campaign.hospital)
    where.push(
      `p.hospital_id = ${p(typeof campaign.hospital === 'string' ? campaign.hospital : campaign.hospital.id)}::uuid`,
    );
  if (campaign.segment === 'high-value') {
    joins.push(
      `join loyalty_account la on la.patient_id = p.id and la.tier = any(${p(campaign.tiers ?? ['gold', 'platinum'])}::text[])`,
    );
  }
  if (campaign.segment === 'inactive') {
    const cutoff = p(now.minus({ days: campaign.inactiveDays ?? settings.inactiveDays }).toISO());
    where.push(`(p.last_visit_at is null or p.last_visit_at < ${cutoff}::timestamptz)`);
    where.push(`not exists (select 1 from appointment a where a.patient_id = p.id and a.status = 'completed'
      and a.starts_at >= ${cutoff}::timestamptz)`);
  }
  let capped = '';
  let capJoin = '';
  if (marketing) {
    // Marketing messages each patient got from any campaign in the cap's window.
    capped = `with capped as (
      select r.patient_id from campaign_recipients r join campaign c on c.id = r.campaign_id
      where r.status in ('sent', 'sending', 'unknown') and c.purpose = 'marketing'
        and r.attempted_at >= ${p(now.minus({ days: settings.cap.days }).toISO())}::timestamptz
        and r.patient_id is not null
      group by r.patient_id having count(*) >= ${p(settings.cap.max)}::int)`;
    capJoin = 'left join capped on capped.patient_id = p.id';
  }
  const sql = `${capped}
    select p.id as patient_id, null::uuid as owner_id, p.preferred_language as language,
      case
        when ${contact} is null then 'no_contact'
        when p.opted_out_${ch} then 'opted_out'
        ${marketing ? `when not p.consent_${ch} then 'no_consent'` : ''}
        ${marketing ? `when capped.patient_id is not null or ${p(settings.cap.max)}::int = 0 then 'frequency_cap'` : ''}
      end as reason
    from patient p ${joins.join(' ')} ${capJoin}
    ${where.length ? `where ${where.join(' and ')}` : ''}`;
  return { sql, params };
}

export interface AudienceCounts {
  /** Segment members. */
  total: number;
  /** Members that would be sent to. */
  eligible: number;
  /** Members left out, by reason. */
  filtered: Record<string, number>;
  /** Eligible members by preferred language. */
  byLanguage: Record<string, number>;
}

/** The audience's counts without writing anything (preview, dry run). */
export async function countAudience(
  em: EntityManager,
  campaign: Campaign,
  settings: CampaignSettings,
  now: DateTime,
): Promise<AudienceCounts> {
  const { sql, params } = audienceSql(campaign, settings, now);
  const rows = await query<{ reason: string | null; language: string; n: number }>(
    em,
    `select reason, case when reason is null then language end as language, count(*)::int as n
     from (${sql}) a where $1::uuid is not null group by 1, 2`,
    params,
  );
  const counts: AudienceCounts = { total: 0, eligible: 0, filtered: {}, byLanguage: {} };
  for (const r of rows) {
    counts.total += r.n;
    if (r.reason) counts.filtered[r.reason] = (counts.filtered[r.reason] ?? 0) + r.n;
    else {
      counts.eligible += r.n;
      counts.byLanguage[r.language] = (counts.byLanguage[r.language] ?? 0) + r.n;
    }
  }
  return counts;
}

/**
 * Writes the audience snapshot: one campaign_recipients row per segment member, `pending` or
 * `skipped` with its reason, in one `INSERT … SELECT`; then, with a holdout, a random
 * `round(pending × share)` of the pending rows become `holdout`. Returns the counts.
 *
 * The rows go in in the order of the person's id: the unique key (campaign_id, patient_id) — or
 * the owners' — then grows at its right edge instead of at a random place per row, which is a
 * third of a million-row snapshot (7.4–8.0 s → 5.0–5.3 s, BENCHMARKS.md session 14). Senders
 * claim in recipient id order, so they go through the audience in that order too.
 */
export async function snapshotAudience(
  em: EntityManager,
  campaign: Campaign,
  settings: CampaignSettings,
  now: DateTime,
): Promise<{ total: number; pending: number; skipped: number; holdout: number }> {
  const { sql, params } = audienceSql(campaign, settings, now);
  const [inserted] = await query<{ total: number; pending: number }>(
    em,
    `with ins as (
       insert into campaign_recipients (campaign_id, patient_id, owner_id, status, reason)
       select $1::uuid, patient_id, owner_id, case when reason is null then 'pending' else 'skipped' end, reason
       from (${sql}) a
       order by patient_id, owner_id
       returning status)
     select count(*)::int as total, count(*) filter (where status = 'pending')::int as pending from ins`,
    params,
  );
  let holdout = 0;
  const bps = campaign.holdoutBps ?? 0;
  if (bps > 0 && inserted.pending > 0) {
    holdout = Math.round((inserted.pending * bps) / 10000);
    if (holdout > 0)
      await query(
        em,
        `update campaign_recipients set status = 'holdout', reason = 'holdout' where id in (
           select id from campaign_recipients where campaign_id = $1 and status = 'pending'
           order by random() limit $2)`,
        [campaign.id, holdout],
      );
  }
  return {
    total: inserted.total,
    pending: inserted.pending - holdout,
    skipped: inserted.total - inserted.pending,
    holdout,
  };
}
