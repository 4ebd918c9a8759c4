/**
 * The campaign send queue, set-based (the reminder runner's shape): senders claim pending
 * recipients with `FOR UPDATE SKIP LOCKED` under a lease, write the group's `messages` rows as
 * `sending` (committed before the provider calls), and record the outcomes of a group in one
 * statement per table. Recipients whose lease ran out without an outcome (a killed sender) are
 * settled by the recovery (recover-campaign-sends.ts) before anything is sent again.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { planForKeyLookups, query } from '../db/sql.js';
import { uuid7 } from '../db/uuid7.js';
import { messageOutcomesUpdate } from '../messaging/message.sql.js';
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
 * Locks up to `limit` pending recipients of a campaign still `sending` (`FOR UPDATE SKIP LOCKED`,
 * nothing written yet) and returns them with their contact details as they are now (an opt-out
 * since the snapshot is seen here). The same transaction then starts them (`startClaimed`): the
 * lock keeps other senders off them meanwhile, and a row that is neither started nor skipped is
 * simply pending again at commit.
 *
 * Only ids after `after` are looked at: a sender goes through the campaign in id order, so each
 * claim reads from where the last one ended instead of stepping over every recipient already
 * sent (a million-recipient campaign's last claims would otherwise read a million rows each).
 */
export function lockPendingRecipients(
  em: EntityManager,
  campaignId: string,
  limit: number,
  after: string,
  needs: DetailNeeds = ALL_DETAILS,
): Promise<ClaimedRow[]> {
  return query<ClaimedRow>(
    em,
    `with c as (
       select r.id, r.patient_id, r.owner_id from campaign_recipients r
       where r.campaign_id = $1 and r.status = 'pending' and r.id > $3::bigint
         and exists (select 1 from campaign k where k.id = $1 and k.status = 'sending')
       order by r.id limit $2 for update of r skip locked)
     ${recipientDetailsSql(needs)}`,
    [campaignId, limit, after],
  );
}

/**
 * Which of the joined details a campaign's texts use: a group's claim reads a hospital and a
 * loyalty account per recipient only when a template names `{{hospital_name}}`, or
 * `{{loyalty_points}}` / `{{tier}}` (a thousand key lookups each, for an e-mail group).
 */
export interface DetailNeeds {
  hospital: boolean;
  loyalty: boolean;
}

const ALL_DETAILS: DetailNeeds = { hospital: true, loyalty: true };

/**
 * What rendering and the consent re-check need of the recipients of a CTE `c (id, patient_id,
 * owner_id)`, as they are now, in id order.
 */
function recipientDetailsSql(needs: DetailNeeds): string {
  return `select c.id::text as id, c.patient_id, c.owner_id,
       coalesce(p.first_name, o.name) as first_name, p.last_name,
       coalesce(p.phone, o.phone) as phone, coalesce(p.email, o.email) as email,
       coalesce(p.preferred_language, 'en') as language,
       coalesce(p.opted_out_sms, o.opted_out_sms, false) as opted_out_sms, coalesce(p.opted_out_whatsapp, o.opted_out_whatsapp, false) as opted_out_whatsapp,
       coalesce(p.opted_out_email, o.opted_out_email, false) as opted_out_email,
       coalesce(p.consent_sms, true) as consent_sms, coalesce(p.consent_whatsapp, true) as consent_whatsapp,
       coalesce(p.consent_email, true) as consent_email,
       ${needs.hospital ? 'h.name' : 'null::text'} as hospital_name,
       ${needs.loyalty ? 'la.balance::text' : 'null::text'} as loyalty_points, ${needs.loyalty ? 'la.tier' : 'null::text'} as tier
     from c left join patient p on p.id = c.patient_id left join owner o on o.id = c.owner_id
     ${needs.hospital ? 'left join hospital h on h.id = p.hospital_id' : ''}
     ${needs.loyalty ? 'left join loyalty_account la on la.patient_id = c.patient_id' : ''}
     order by c.id`;
}

/** The rendering details of recipients by id (recover-campaign-sends.ts: an interrupted e-mail group). */
export function recipientDetails(em: EntityManager, ids: string[]): Promise<ClaimedRow[]> {
  return query<ClaimedRow>(
    em,
    `with c as (select r.id, r.patient_id, r.owner_id from campaign_recipients r where r.id = any($1::bigint[]))
     ${recipientDetailsSql(ALL_DETAILS)}`,
    [ids],
  );
}

/**
 * The CTE `s` of a group's start that marks its skipped recipients (an opt-out or a withdrawn
 * consent since the snapshot), from the parameters holding their ids and their reasons.
 */
const skippedCte = (ids: string, reasons: string) => `s as (
       update campaign_recipients r set status = 'skipped', reason = k.reason, claimed_by = null, claimed_until = null
       from unnest(${ids}::bigint[], ${reasons}::text[]) as k(id, reason) where r.id = k.id and r.status = 'pending'
       returning r.id)`;

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
 * Starts a group of locked recipients in one statement: the skipped ones (an opt-out or a
 * withdrawn consent since the snapshot) are marked so; the others get their `messages` row,
 * already `sending` (the durable in-flight marker: the provider calls start right after this
 * commits), and are claimed by this sender under a lease, tied to their message, with the
 * attempt's time — one write of the recipient row instead of a claim and then a start. Returns
 * the recipient → message ids.
 *
 * The message ids are made here (time-ordered, so the rows land at the right edge of the key's
 * index), which lets the recipients be updated straight from the id lists.
 */
export async function startClaimed(
  em: EntityManager,
  skips: { id: string; reason: string }[],
  group: GroupMessage[],
  runnerId: string,
  leaseSeconds: number,
  now: string,
): Promise<Map<string, string>> {
  if (!group.length && !skips.length) return new Map();
  // A group is a few rows of a campaign of up to a million: found by key, planned for its size.
  await planForKeyLookups(em);
  const messageIds = group.map(() => uuid7());
  const rows = await query<{ recipient_id: string; message_id: string }>(
    em,
    `with ${skippedCte('$13', '$14')},
     m as (
       insert into messages (id, channel, recipient, subject, body, content_sid, purpose, patient_id, reference, provider,
         segments, status, attempts, send_started_at, created_at, updated_at)
       select t.mid, t.channel, t.recipient, t.subject, t.body, t.content_sid, 'campaign', t.patient_id, t.reference,
         case when t.channel = 'email' then 'sendgrid' else 'twilio' end, t.segments, 'sending', 0,
         clock_timestamp(), $10::timestamptz, $10::timestamptz
       from unnest($15::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::text[], $9::int[])
         as t(mid, channel, recipient, subject, body, content_sid, patient_id, reference, segments)),
     u as (
       update campaign_recipients r set status = 'sending', claimed_by = $11,
         claimed_until = clock_timestamp() + make_interval(secs => $12), message_id = t.mid,
         attempted_at = $10::timestamptz
       from unnest($1::bigint[], $15::uuid[]) as t(rid, mid) where r.id = t.rid
       returning r.id, t.mid)
     select id::text as recipient_id, mid::text as message_id from u`,
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
      leaseSeconds,
      skips.map((k) => k.id),
      skips.map((k) => k.reason),
      messageIds,
    ],
  );
  return new Map(rows.map((r) => [r.recipient_id, r.message_id]));
}

/**
 * Starts a group of locked e-mail recipients (one SendGrid request) in one statement: the skipped
 * ones are marked so; the others are claimed by this sender under a lease, `sending`, with the
 * attempt's time — and no `messages` row yet. An e-mail group's messages are written once, with
 * their outcome (`recordEmailGroup`): insert-then-update cost a million-recipient campaign a
 * second write of every message (BENCHMARKS.md, session 14). The in-flight marker is the claim:
 * in an e-mail campaign a recipient `sending` without a message was in a request whose outcome
 * is not recorded, and the recovery settles it `unknown` (SendGrid cannot be asked), never
 * `pending`. Returns the recipients claimed.
 */
export async function startEmailGroup(
  em: EntityManager,
  skips: { id: string; reason: string }[],
  recipientIds: string[],
  runnerId: string,
  leaseSeconds: number,
  now: string,
): Promise<Set<string>> {
  if (!recipientIds.length && !skips.length) return new Set();
  await planForKeyLookups(em);
  const rows = await query<{ id: string }>(
    em,
    `with ${skippedCte('$1', '$2')}
     update campaign_recipients r set status = 'sending', claimed_by = $4,
       claimed_until = clock_timestamp() + make_interval(secs => $5), attempted_at = $6::timestamptz
     where r.id = any($3::bigint[])
     returning r.id::text as id`,
    [skips.map((k) => k.id), skips.map((k) => k.reason), recipientIds, runnerId, leaseSeconds, now],
  );
  return new Set(rows.map((r) => r.id));
}

/** What one outcome writes on an e-mail group's messages and recipients (all share it). */
export type GroupOutcomeFields = Omit<GroupOutcome, 'recipientId' | 'messageId'>;

/**
 * Records an e-mail group in one statement: its `messages` rows, written now with the request's
 * outcome (the messaging layer's rule: `messageOutcomesUpdate`'s, for a row not yet written), and
 * its recipients, each tied to its message, their claims released. `startedAt` is when the group
 * was started (its messages' creation and send start).
 */
export async function recordEmailGroup(
  em: EntityManager,
  messages: GroupMessage[],
  outcome: GroupOutcomeFields,
  startedAt: string,
  now: string,
): Promise<void> {
  if (!messages.length) return;
  await planForKeyLookups(em);
  await query(
    em,
    `with t as (
       select * from unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::text[])
         as t(rid, mid, recipient, subject, body, patient_id, reference)),
     m as (
       insert into messages (id, channel, recipient, subject, body, purpose, patient_id, reference, provider,
         status, provider_message_id, error_code, error_message, attempts, send_started_at, sent_at, created_at, updated_at)
       select t.mid, 'email', t.recipient, t.subject, t.body, 'campaign', t.patient_id, t.reference, 'sendgrid',
         $8, $9, $10, left($11, 500), $12, $13::timestamptz,
         case when $8 in ('queued', 'sent') then $14::timestamptz when $8 = 'unknown' then $13::timestamptz end,
         $13::timestamptz, $14::timestamptz
       from t)
     update campaign_recipients r set status = $15, retryable = $16, reason = $17, message_id = t.mid,
       claimed_by = null, claimed_until = null
     from t where r.id = t.rid`,
    [
      messages.map((m) => m.recipientId),
      messages.map(() => uuid7()),
      messages.map((m) => m.to),
      messages.map((m) => m.subject),
      messages.map((m) => m.body),
      messages.map((m) => m.patientId),
      messages.map((m) => m.reference),
      outcome.messageStatus,
      outcome.providerMessageId,
      outcome.errorCode,
      outcome.errorMessage,
      outcome.tries,
      startedAt,
      now,
      outcome.recipientStatus,
      outcome.retryable,
      outcome.reason,
    ],
  );
}

/** A started message's outcome, for `recordGroupOutcomes`. */
export interface GroupOutcome {
  recipientId: string;
  messageId: string;
  /** The message row's status (`unknown` for an in-doubt call). */
  messageStatus: string;
  providerMessageId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  tries: number;
  recipientStatus: 'sent' | 'failed' | 'unknown';
  retryable: boolean;
  reason: string | null;
}

/**
 * Records a group's outcomes in one statement: the `messages` rows by the messaging layer's rule
 * (`messageOutcomesUpdate`) and the recipients (status, and their claims released).
 */
export async function recordGroupOutcomes(
  em: EntityManager,
  outcomes: GroupOutcome[],
  now: string,
): Promise<void> {
  if (!outcomes.length) return;
  await planForKeyLookups(em);
  await query(
    em,
    `with t as (
       select * from unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[],
         $8::text[], $9::boolean[], $10::text[])
         as t(rid, mid, mstatus, provider_id, error_code, error_message, tries, rstatus, retryable, reason)),
     m as (
       ${messageOutcomesUpdate(
         '(select mid as id, mstatus as status, provider_id, error_code, error_message, tries from t) t',
         '$2::uuid[]',
         '$11::timestamptz',
       )}
       returning m.id)
     update campaign_recipients r set status = t.rstatus, retryable = t.retryable, reason = t.reason,
       claimed_by = null, claimed_until = null
     from t where r.id = t.rid`,
    [
      outcomes.map((o) => o.recipientId),
      outcomes.map((o) => o.messageId),
      outcomes.map((o) => o.messageStatus),
      outcomes.map((o) => o.providerMessageId),
      outcomes.map((o) => o.errorCode),
      outcomes.map((o) => o.errorMessage),
      outcomes.map((o) => o.tries),
      outcomes.map((o) => o.recipientStatus),
      outcomes.map((o) => o.retryable),
      outcomes.map((o) => o.reason),
      now,
    ],
  );
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

/**
 * Refreshes the planner's statistics of `campaign_recipients` after a snapshot added up to a
 * million rows: without them PostgreSQL takes the new campaign for a handful of rows and sorts
 * all of it at every claim. A function of the schema owner's (only the owner may ANALYZE), and
 * the embedded database has no autovacuum to do it later.
 */
export async function analyzeRecipients(em: EntityManager): Promise<void> {
  await query(em, 'select campaign_recipients_analyze()');
}
