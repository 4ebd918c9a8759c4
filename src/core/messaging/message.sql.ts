/**
 * Set-based statements over `messages`, for the paths that write many rows at once (the reminder
 * runner's batches): one statement per batch instead of one ORM change set per message. Single
 * messages (owner messages, alerts, `message sync`) go through the Message entity instead.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../db/sql.js';
import type { Channel } from '../patients/patient.entity.js';
import type { MessageStatus, PendingMessage } from './message.types.js';
import type { SendOutcome } from './messenger.js';
import { countSegments } from './segments.js';

/**
 * Inserts a `pending` row per message about to be sent (provider from the channel, SMS segments
 * counted) in one statement; returns the new ids in the order of `messages`.
 */
export async function insertPendingMessages(
  em: EntityManager,
  messages: PendingMessage[],
  now: string,
): Promise<string[]> {
  if (messages.length === 0) return [];
  const rows = await query<{ id: string }>(
    em,
    `insert into messages (channel, recipient, subject, body, content_sid, purpose, patient_id, reference, provider,
       segments, status, created_at, updated_at)
     select channel, recipient, subject, body, content_sid, purpose, patient_id, reference,
       case when channel = 'email' then 'sendgrid' else 'twilio' end, segments, 'pending', $10::timestamptz, $10::timestamptz
     from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::text[], $9::int[])
       with ordinality as t(channel, recipient, subject, body, content_sid, purpose, patient_id, reference, segments, n)
     order by n
     returning id`,
    [
      messages.map((m) => m.channel),
      messages.map((m) => m.to),
      messages.map((m) => m.subject ?? null),
      messages.map((m) => m.body),
      messages.map((m) => m.contentSid ?? null),
      messages.map((m) => m.purpose),
      messages.map((m) => m.patientId ?? null),
      messages.map((m) => m.reference ?? null),
      messages.map((m) => (m.channel === 'email' ? null : countSegments(m.body).segments)),
      now,
    ],
  );
  return rows.map((r) => r.id);
}

/**
 * Marks messages `sending` just before their provider calls, with the database's time as the
 * start: committed before the calls, so a row still `sending` after its runner is gone is a send
 * whose outcome is unknown (and the time is where a provider lookup starts). Returns the ids it
 * marked: a row no longer `pending` was settled by another runner's sweep (this runner outlived
 * its lease) and must not be sent.
 */
export async function markSendStarted(em: EntityManager, ids: string[], now: string): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await query<{ id: string }>(
    em,
    `update messages set status = 'sending', send_started_at = clock_timestamp(), updated_at = $2::timestamptz
     where id = any($1::uuid[]) and status = 'pending' returning id`,
    [ids, now],
  );
  return new Set(rows.map((r) => r.id));
}

/** How a message whose send was interrupted ends (the recovery sweep's verdict). */
export interface SettledMessage {
  messageId: string;
  status: MessageStatus;
  providerMessageId: string | null;
  errorCode: string | null;
  /** The reason, kept for the operator (`message list`). */
  errorMessage: string;
  /** Whether it went out (then `sent_at` is when its send started). */
  wentOut: boolean;
  /** Whether a provider call was started for it (counted in `attempts`). */
  called: boolean;
}

/** Records the sweep's verdicts on interrupted sends in one statement. */
export async function settleMessages(
  em: EntityManager,
  settled: SettledMessage[],
  now: string,
): Promise<void> {
  if (settled.length === 0) return;
  await query(
    em,
    `update messages m set status = t.status, provider_message_id = coalesce(t.provider_id, m.provider_message_id),
       error_code = t.error_code, error_message = t.error_message,
       attempts = m.attempts + case when t.called then 1 else 0 end,
       sent_at = case when t.went_out then coalesce(m.sent_at, m.send_started_at, $8::timestamptz) else m.sent_at end,
       updated_at = $8::timestamptz
     from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::boolean[])
       as t(id, status, provider_id, error_code, error_message, went_out, called)
     where m.id = t.id`,
    [
      settled.map((s) => s.messageId),
      settled.map((s) => s.status),
      settled.map((s) => s.providerMessageId),
      settled.map((s) => s.errorCode),
      settled.map((s) => s.errorMessage.slice(0, 500)),
      settled.map((s) => s.wentOut),
      settled.map((s) => s.called),
      now,
    ],
  );
}

/** Which of these provider ids are already recorded on a message row. */
export async function knownProviderIds(em: EntityManager, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await query<{ id: string }>(
    em,
    `select provider_message_id as id from messages where provider_message_id = any($1::text[])`,
    [ids],
  );
  return new Set(rows.map((r) => r.id));
}

export interface OutcomeToRecord {
  messageId: string;
  outcome: SendOutcome;
  channel: Channel;
  patientId?: string | null;
}

/** The status a provider outcome gives the message row. */
export const outcomeStatus = (outcome: SendOutcome) => (outcome.ok ? outcome.status : 'failed');

/** Whether the provider says the recipient unsubscribed from the channel (Twilio 21610). */
export const isUnsubscribed = (outcome: SendOutcome) => !outcome.ok && outcome.errorCode === '21610';

/**
 * How a provider's outcome is written on a message row, the one rule for every set-based path
 * (the reminder runner's batches here, a campaign group in campaigns/campaign-send.sql.ts):
 * status; the provider's id (an earlier one kept when this outcome has none); the error, cut to
 * 500 characters; the tries added to `attempts`; `sent_at` when accepted, or — in doubt
 * (`unknown`) — from when the call started. `source` is a row source named `t` with the
 * columns `(id, status, provider_id, error_code, error_message, tries)`; `ids` an array expression of the
 * same ids, so that PostgreSQL finds the rows by key instead of joining the whole table; `now`
 * the time's placeholder.
 */
export function messageOutcomesUpdate(source: string, ids: string, now: string): string {
  return `update messages m set status = t.status,
       provider_message_id = coalesce(t.provider_id, m.provider_message_id),
       error_code = t.error_code, error_message = left(t.error_message, 500), attempts = m.attempts + t.tries,
       sent_at = case when t.status in ('queued', 'sent') then ${now}
         when t.status = 'unknown' then coalesce(m.sent_at, m.send_started_at, ${now}) else m.sent_at end,
       updated_at = ${now}
     from ${source}
     where m.id = t.id and m.id = any(${ids})`;
}

/**
 * Records provider outcomes for many messages in one statement (`messageOutcomesUpdate`), and
 * marks patients opted out of a channel when the provider says they unsubscribed.
 */
export async function recordOutcomes(
  em: EntityManager,
  outcomes: OutcomeToRecord[],
  now: string,
): Promise<void> {
  if (outcomes.length === 0) return;
  await query(
    em,
    messageOutcomesUpdate(
      `unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[])
       as t(id, status, provider_id, error_code, error_message, tries)`,
      '$1::uuid[]',
      '$7::timestamptz',
    ),
    [
      outcomes.map((o) => o.messageId),
      outcomes.map((o) => outcomeStatus(o.outcome)),
      outcomes.map((o) => (o.outcome.ok ? o.outcome.providerMessageId || null : null)),
      outcomes.map((o) => (o.outcome.ok ? null : o.outcome.errorCode)),
      outcomes.map((o) => (o.outcome.ok ? null : o.outcome.errorMessage)),
      outcomes.map((o) => o.outcome.tries),
      now,
    ],
  );
  for (const channel of ['sms', 'whatsapp', 'email'] as const) {
    const ids = outcomes
      .filter((o) => o.channel === channel && o.patientId && isUnsubscribed(o.outcome))
      .map((o) => o.patientId!);
    await optOut(em, { table: 'patient', by: 'id' }, channel, ids, now);
  }
}

/**
 * Opts people out of `channel`, found by id (a Twilio 21610 on a message to them) or by phone (an
 * opt-out reply from their number), in one statement; one already opted out is left as it is.
 * Returns the ids newly opted out. Patients' `updated_at` moves with it; the owner table has none.
 */
export async function optOut(
  em: EntityManager,
  who: { table: 'patient' | 'owner'; by: 'id' | 'phone' },
  channel: Channel,
  keys: string[],
  now: string,
): Promise<string[]> {
  if (!keys.length) return [];
  const touched = who.table === 'patient' ? ', updated_at = $2::timestamptz' : '';
  const keyType = who.by === 'id' ? 'uuid' : 'text';
  const rows = await query<{ id: string }>(
    em,
    `update ${who.table} set opted_out_${channel} = true${touched}
     where ${who.by} = any($1::${keyType}[]) and not opted_out_${channel} returning id`,
    who.table === 'patient' ? [keys, now] : [keys],
  );
  return rows.map((r) => r.id);
}

/**
 * Copies the delivery status of owner messages into the owner CRM's `owner_communications`
 * (where that table exists), for every logged contact whose status changed.
 */
export async function syncOwnerCommunicationStatuses(em: EntityManager): Promise<void> {
  const [owners] = await query<{ present: boolean }>(
    em,
    `select to_regclass('owner_communications') is not null as present`,
  );
  if (owners?.present)
    await query(
      em,
      `update owner_communications oc set delivery_status = m.status from messages m
       where oc.message_id = m.id and m.purpose = 'owner' and oc.delivery_status <> m.status`,
    );
}
