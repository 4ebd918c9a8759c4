/**
 * The statements of the outbox sender (send-queued.ts) over `messages` rows queued by
 * `queueMessage` (queued_at set). A queued row goes `pending` → `sending` (committed with its claim,
 * before the provider call) → the provider's outcome; a row still `sending` after the lease is a
 * send whose sender died, settled by the sweep (a Twilio lookup, never a second send).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { query, queryOne } from '../db/sql.js';
import type { Channel } from '../patients/patient.entity.js';
import type { MessagePurpose } from './message.types.js';

/** A queued message claimed for sending, with whether its patient has opted out of its channel. */
export interface ClaimedOutboxRow {
  id: string;
  channel: Channel;
  recipient: string;
  subject: string | null;
  body: string;
  content_sid: string | null;
  content_variables: Record<string, string> | null;
  patient_id: string | null;
  purpose: MessagePurpose;
  opted_out: boolean;
}

/** The database's clock: where a run starts (rows it tried itself are not claimed again). */
export async function databaseNow(em: EntityManager): Promise<Date> {
  const row = await queryOne<{ now: Date }>(em, 'select clock_timestamp() as now');
  return new Date(row!.now);
}

/**
 * Locks up to `limit` queued messages, oldest first (`FOR UPDATE SKIP LOCKED`: two senders never
 * take the same row). Skips rows this run already tried (`send_started_at` after `runStartedAt`:
 * a transient failure waits for the next run) and, in quiet hours, SMS and WhatsApp.
 */
export function claimQueuedMessages(
  em: EntityManager,
  limit: number,
  runStartedAt: Date,
  quiet: boolean,
): Promise<ClaimedOutboxRow[]> {
  return query<ClaimedOutboxRow>(
    em,
    `with c as (
      select m.id from messages m
      where m.queued_at is not null and m.status = 'pending'
        and (m.send_started_at is null or m.send_started_at < $2::timestamptz)
        and (not $3::boolean or m.channel = 'email')
      order by m.queued_at, m.id
      limit $1 for update of m skip locked)
    select m.id, m.channel, m.recipient, m.subject, m.body, m.content_sid, m.content_variables, m.patient_id,
      m.purpose,
      coalesce(case m.channel when 'sms' then p.opted_out_sms when 'whatsapp' then p.opted_out_whatsapp
        else p.opted_out_email end, false) as opted_out
    from c join messages m on m.id = c.id left join patient p on p.id = m.patient_id
    order by m.queued_at, m.id`,
    [limit, runStartedAt, quiet],
  );
}

/** How many queued SMS and WhatsApp messages wait for the end of quiet hours. */
export async function countQuietDeferred(em: EntityManager): Promise<number> {
  const row = await queryOne<{ n: number }>(
    em,
    `select count(*)::int as n from messages
     where queued_at is not null and status = 'pending' and channel <> 'email'`,
  );
  return row?.n ?? 0;
}

/** Ends messages whose patient opted out of the channel: `failed`, `opted_out`, never sent. */
export async function failOptedOut(em: EntityManager, ids: string[], now: string): Promise<void> {
  if (ids.length === 0) return;
  await query(
    em,
    `update messages set status = 'failed', error_code = 'opted_out',
       error_message = 'not sent: the patient opted out of this channel', updated_at = $2::timestamptz
     where id = any($1::uuid[])`,
    [ids, now],
  );
}

/**
 * Puts messages whose send failed transiently back in the queue (`pending`), keeping the error
 * for the operator; the next run tries them again.
 */
export async function requeueMessages(em: EntityManager, ids: string[], now: string): Promise<void> {
  if (ids.length === 0) return;
  await query(
    em,
    `update messages set status = 'pending', updated_at = $2::timestamptz where id = any($1::uuid[])`,
    [ids, now],
  );
}

/** A queued message whose send was interrupted (its sender died) or whose lookup failed before. */
export interface StaleOutboxRow {
  id: string;
  status: 'sending' | 'unknown';
  channel: Channel;
  recipient: string;
  body: string;
  content_sid: string | null;
  send_started_at: Date;
}

/**
 * Locks up to `limit` queued messages left `sending` longer than the lease (`leaseSeconds`), and
 * those a failed Twilio lookup left `unknown` (asked again), oldest first, SKIP LOCKED.
 */
export function selectStaleSends(
  em: EntityManager,
  leaseSeconds: number,
  limit: number,
): Promise<StaleOutboxRow[]> {
  return query<StaleOutboxRow>(
    em,
    `select id, status, channel, recipient, body, content_sid, send_started_at from messages
     where queued_at is not null
       and ((status = 'sending' and send_started_at < clock_timestamp() - make_interval(secs => $1))
         or (status = 'unknown' and error_code = 'lookup_failed'))
     order by send_started_at, id
     limit $2 for update skip locked`,
    [leaseSeconds, limit],
  );
}

/** Provider tries recorded so far per message. */
export async function attemptsOf(em: EntityManager, ids: string[]): Promise<Map<string, number>> {
  const rows = await query<{ id: string; attempts: number }>(
    em,
    'select id, attempts from messages where id = any($1::uuid[])',
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r.attempts]));
}

/** A queued message as `message send --dry-run` shows it. */
export interface QueuedMessageRow {
  id: string;
  channel: Channel;
  recipient: string;
  purpose: MessagePurpose;
  subject: string | null;
  body: string;
  queued_at: Date;
  opted_out: boolean;
}

/** Up to `limit` queued messages waiting to be sent, oldest first (no locks: a preview). */
export function listQueuedMessages(em: EntityManager, limit: number): Promise<QueuedMessageRow[]> {
  return query<QueuedMessageRow>(
    em,
    `select m.id, m.channel, m.recipient, m.purpose, m.subject, m.body, m.queued_at,
      coalesce(case m.channel when 'sms' then p.opted_out_sms when 'whatsapp' then p.opted_out_whatsapp
        else p.opted_out_email end, false) as opted_out
    from messages m left join patient p on p.id = m.patient_id
    where m.queued_at is not null and m.status = 'pending'
    order by m.queued_at, m.id limit $1`,
    [limit],
  );
}
