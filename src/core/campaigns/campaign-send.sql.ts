/**
 * The campaign send queue, set-based (the reminder runner's shape): senders claim pending
 * recipients with `FOR UPDATE SKIP LOCKED` under a lease, write the group's `messages` rows as
 * `sending` (committed before the provider calls), and record the outcomes of a group in one
 * statement per table. Recipients whose lease ran out without an outcome (a killed sender) are
 * settled by the recovery (recover-campaign-sends.ts) before anything is sent again.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { planEachQueryAfresh, query } from '../db/sql.js';
import type { Channel } from '../patients/patient.entity.js';

/** A claimed recipient with what rendering and the consent re-check need. */
export interface ClaimedRow {
  id: string;
  patient_id: string | null;
  owner_id: string | null;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  email: string | null;
  language: string;
  opted_out_sms: boolean;
  opted_out_whatsapp: boolean;
  opted_out_email: boolean;
  consent_sms: boolean;
  consent_whatsapp: boolean;
  consent_email: boolean;
  hospital_name: string | null;
  loyalty_points: string | null;
  tier: string | null;
}

/**
 * Claims up to `limit` pending recipients of a campaign for this sender (status `sending`, a lease
 * from the database's clock), and returns them with their contact details as they are now (an
 * opt-out since the snapshot is seen here).
 */
export function claimRecipients(
  em: EntityManager,
  campaignId: string,
  runnerId: string,
  limit: number,
  leaseSeconds: number,
): Promise<ClaimedRow[]> {
  return query<ClaimedRow>(
    em,
    `with c as (
       select id from campaign_recipients where campaign_id = $1 and status = 'pending'
       order by id limit $2 for update skip locked),
     u as (
       update campaign_recipients r set status = 'sending', claimed_by = $3,
         claimed_until = clock_timestamp() + make_interval(secs => $4)
       from c where r.id = c.id returning r.id, r.patient_id, r.owner_id)
     select u.id::text as id, u.patient_id, u.owner_id,
       coalesce(p.first_name, o.name) as first_name, p.last_name,
       coalesce(p.phone, o.phone) as phone, coalesce(p.email, o.email) as email,
       coalesce(p.preferred_language, 'en') as language,
       coalesce(p.opted_out_sms, false) as opted_out_sms, coalesce(p.opted_out_whatsapp, false) as opted_out_whatsapp,
       coalesce(p.opted_out_email, false) as opted_out_email,
       coalesce(p.consent_sms, true) as consent_sms, coalesce(p.consent_whatsapp, true) as consent_whatsapp,
       coalesce(p.consent_email, true) as consent_email,
       h.name as hospital_name,
       la.balance::text as loyalty_points, la.tier
     from u left join patient p on p.id = u.patient_id left join owner o on o.id = u.owner_id
     left join hospital h on h.id = p.hospital_id
     left join loyalty_account la on la.patient_id = u.patient_id
     order by u.id`,
    [campaignId, limit, runnerId, leaseSeconds],
  );
}

/** Marks claimed recipients skipped (an opt-out or a withdrawn consent since the snapshot). */
export async function skipRecipients(
  em: EntityManager,
  skipped: { id: string; reason: string }[],
): Promise<void> {
  if (!skipped.length) return;
  await query(
    em,
    `update campaign_recipients r set status = 'skipped', reason = t.reason, claimed_by = null, claimed_until = null
     from unnest($1::bigint[], $2::text[]) as t(id, reason) where r.id = t.id`,
    [skipped.map((s) => s.id), skipped.map((s) => s.reason)],
  );
}

/** Gives claimed recipients back to the queue (a pause, quiet hours, a cancelled campaign). */
export async function releaseRecipients(em: EntityManager, ids: string[], runnerId: string): Promise<void> {
  if (!ids.length) return;
  await query(
    em,
    `update campaign_recipients set status = 'pending', claimed_by = null, claimed_until = null, message_id = null
     where id = any($1::bigint[]) and status = 'sending' and claimed_by = $2 and message_id is null`,
    [ids, runnerId],
  );
}

/** A message about to go out for a recipient. */
export interface GroupMessage {
  recipientId: string;
  patientId: string | null;
  channel: Channel;
  to: string;
  subject: string | null;
  body: string;
  contentSid: string | null;
  segments: number | null;
  reference: string;
}

/**
 * Writes the group's `messages` rows already `sending` (the provider calls start right after
 * this commits) and ties them to their recipients, with the attempt's time, in one statement.
 * Only recipients still claimed by this sender are taken (a recovery may have settled a row of a
 * sender that outlived its lease); returns the recipient → message ids of those taken.
 */
export async function startGroup(
  em: EntityManager,
  group: GroupMessage[],
  runnerId: string,
  now: string,
): Promise<Map<string, string>> {
  if (!group.length) return new Map();
  // campaign_recipients.message_id references the `messages` this send is filling.
  await planEachQueryAfresh(em);
  const rows = await query<{ recipient_id: string; message_id: string }>(
    em,
    `with mine as (
       select r.id, t.n from campaign_recipients r join unnest($1::bigint[]) with ordinality as t(id, n) on t.id = r.id
       where r.status = 'sending' and r.claimed_by = $11 and r.message_id is null
       for update of r),
     m as (
       insert into messages (channel, recipient, subject, body, content_sid, purpose, patient_id, reference, provider,
         segments, status, attempts, send_started_at, created_at, updated_at)
       select t.channel, t.recipient, t.subject, t.body, t.content_sid, 'campaign', t.patient_id, t.reference,
         case when t.channel = 'email' then 'sendgrid' else 'twilio' end, t.segments, 'sending', 0,
         clock_timestamp(), $10::timestamptz, $10::timestamptz
       from unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::text[], $9::int[])
         as t(rid, channel, recipient, subject, body, content_sid, patient_id, reference, segments)
       join mine on mine.id = t.rid
       returning id, reference),
     u as (
       update campaign_recipients r set message_id = m.id, attempted_at = $10::timestamptz
       from m where r.id = split_part(m.reference, ':', 3)::bigint
         -- The id list lets PostgreSQL find the rows by key instead of scanning the campaign.
         and r.id = any($1::bigint[])
       returning r.id, m.id as message_id)
     select id::text as recipient_id, message_id from u`,
    [
      group.map((g) => g.recipientId),
      group.map((g) => g.channel),
      group.map((g) => g.to),
      group.map((g) => g.subject),
      group.map((g) => g.body),
      group.map((g) => g.contentSid),
      group.map((g) => g.patientId),
      group.map((g) => g.reference),
      group.map((g) => g.segments),
      now,
      runnerId,
    ],
  );
  return new Map(rows.map((r) => [r.recipient_id, r.message_id]));
}

/** A recipient's outcome. */
export interface RecipientOutcome {
  id: string;
  status: 'sent' | 'failed' | 'unknown' | 'pending';
  retryable: boolean;
  reason: string | null;
}

/** Records recipients' outcomes in one statement and releases their claims. */
export async function recordRecipientOutcomes(
  em: EntityManager,
  outcomes: RecipientOutcome[],
): Promise<void> {
  if (!outcomes.length) return;
  await query(
    em,
    `update campaign_recipients r set status = t.status, retryable = t.retryable, reason = t.reason,
       message_id = case when t.status = 'pending' then null else r.message_id end,
       claimed_by = null, claimed_until = null
     from unnest($1::bigint[], $2::text[], $3::boolean[], $4::text[]) as t(id, status, retryable, reason)
     where r.id = t.id`,
    [
      outcomes.map((o) => o.id),
      outcomes.map((o) => o.status),
      outcomes.map((o) => o.retryable),
      outcomes.map((o) => o.reason),
    ],
  );
}

/** The campaign's recipients by status. */
export async function recipientCounts(
  em: EntityManager,
  campaignId: string,
): Promise<Record<string, number>> {
  const rows = await query<{ status: string; n: number }>(
    em,
    `select status, count(*)::int as n from campaign_recipients where campaign_id = $1 group by status`,
    [campaignId],
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** Copies the recipients' counts into the campaign's counters. */
export async function refreshCounters(
  em: EntityManager,
  campaignId: string,
): Promise<Record<string, number>> {
  const counts = await recipientCounts(em, campaignId);
  await query(
    em,
    `update campaign set sent_count = $2, failed_count = $3, skipped_count = $4, holdout_count = $5,
       audience_count = $6 where id = $1`,
    [
      campaignId,
      counts.sent ?? 0,
      counts.failed ?? 0,
      counts.skipped ?? 0,
      counts.holdout ?? 0,
      Object.values(counts).reduce((a, b) => a + b, 0),
    ],
  );
  return counts;
}
