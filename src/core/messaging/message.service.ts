/**
 * The `messages` table: every outgoing message is a row written BEFORE the provider is called
 * (status `pending`), so that a crash leaves a visible trace of what may have gone out; the
 * provider's answer then moves it to queued/sent or failed.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { query, queryOne } from '../db/sql.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { Channel } from '../patients/patient.entity.js';
import { maskEmail, maskPhone } from '../phone.js';
import { type Clock, toIsoLagos } from '../time.js';
import type { Messenger, SendOutcome } from './messenger.js';
import type { OutgoingMessage } from './providers.js';
import { countSegments } from './segments.js';

export const MESSAGE_STATUSES = ['pending', 'queued', 'sent', 'delivered', 'failed', 'undelivered'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];
export type MessagePurpose = 'reminder' | 'campaign' | 'alert' | 'owner';

export interface PendingMessage extends OutgoingMessage {
  purpose: MessagePurpose;
  patientId?: string | null;
  /** What the message is about (`reminder:<id>`, `owner:<id>`), for tracing. */
  reference?: string | null;
}

export function maskRecipient(channel: Channel, to: string): string {
  return channel === 'email' ? maskEmail(to) : maskPhone(to);
}

/** Inserts `pending` rows for messages about to be sent; returns their ids in order. */
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
 * Records provider outcomes for many messages in one statement, and marks patients opted out of a
 * channel when the provider says they unsubscribed (Twilio 21610).
 */
export async function recordOutcomes(
  em: EntityManager,
  outcomes: { messageId: string; outcome: SendOutcome; channel: Channel; patientId?: string | null }[],
  now: string,
): Promise<void> {
  if (outcomes.length === 0) return;
  await query(
    em,
    `update messages m set status = t.status, provider_message_id = t.provider_id, error_code = t.error_code,
       error_message = t.error_message, attempts = m.attempts + t.tries,
       sent_at = case when t.status in ('queued', 'sent') then $7::timestamptz else m.sent_at end,
       updated_at = $7::timestamptz
     from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[])
       as t(id, status, provider_id, error_code, error_message, tries)
     where m.id = t.id`,
    [
      outcomes.map((o) => o.messageId),
      outcomes.map((o) => (o.outcome.ok ? o.outcome.status : 'failed')),
      outcomes.map((o) => (o.outcome.ok ? o.outcome.providerMessageId || null : null)),
      outcomes.map((o) => (o.outcome.ok ? null : o.outcome.errorCode)),
      outcomes.map((o) => (o.outcome.ok ? null : o.outcome.errorMessage.slice(0, 500))),
      outcomes.map((o) => o.outcome.tries),
      now,
    ],
  );
  for (const channel of ['sms', 'whatsapp', 'email'] as const) {
    const ids = outcomes
      .filter((o) => o.channel === channel && o.patientId && !o.outcome.ok && o.outcome.errorCode === '21610')
      .map((o) => o.patientId!);
    if (ids.length)
      await query(
        em,
        `update patient set opted_out_${channel} = true, updated_at = $2::timestamptz where id = any($1::uuid[])`,
        [ids, now],
      );
  }
}

export interface SentMessage {
  id: string;
  status: MessageStatus;
  providerMessageId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  transient: boolean;
  tries: number;
}

/**
 * Sends one message: the row first (committed), then the provider with retries, then the outcome.
 * Used by owner messages and alerts; reminders and campaigns use the batch functions above.
 */
export async function sendOneMessage(
  em: EntityManager,
  messenger: Messenger,
  clock: Clock,
  message: PendingMessage,
): Promise<SentMessage> {
  const [id] = await em.transactional((tem) =>
    insertPendingMessages(tem as EntityManager, [message], clock.now().toISO()!),
  );
  const outcome = await messenger.send(message);
  await em.transactional((tem) =>
    recordOutcomes(
      tem as EntityManager,
      [{ messageId: id, outcome, channel: message.channel, patientId: message.patientId }],
      clock.now().toISO()!,
    ),
  );
  return {
    id,
    status: outcome.ok ? outcome.status : 'failed',
    providerMessageId: outcome.ok ? outcome.providerMessageId : null,
    errorCode: outcome.ok ? null : outcome.errorCode,
    errorMessage: outcome.ok ? null : outcome.errorMessage,
    transient: outcome.ok ? false : outcome.transient,
    tries: outcome.tries,
  };
}

export interface MessageView {
  id: string;
  createdAt: string;
  channel: Channel;
  /** Masked: `+234803***4567`, `a***@example.ng`. */
  recipient: string;
  purpose: MessagePurpose;
  status: MessageStatus;
  providerMessageId: string | null;
  errorCode: string | null;
  attempts: number;
  segments: number | null;
  body: string;
  reference: string | null;
  sentAt: string | null;
}

interface MessageRow {
  id: string;
  created_at: Date | string;
  channel: Channel;
  recipient: string;
  purpose: MessagePurpose;
  status: MessageStatus;
  provider_message_id: string | null;
  error_code: string | null;
  attempts: number;
  segments: number | null;
  body: string;
  reference: string | null;
  sent_at: Date | string | null;
}

const ts = (v: Date | string) => toIsoLagos(v instanceof Date ? v : new Date(v));

function toView(r: MessageRow): MessageView {
  return {
    id: r.id,
    createdAt: ts(r.created_at),
    channel: r.channel,
    recipient: maskRecipient(r.channel, r.recipient),
    purpose: r.purpose,
    status: r.status,
    providerMessageId: r.provider_message_id,
    errorCode: r.error_code,
    attempts: r.attempts,
    segments: r.segments,
    body: r.body,
    reference: r.reference,
    sentAt: r.sent_at ? ts(r.sent_at) : null,
  };
}

export async function listMessages(
  em: EntityManager,
  input: { status?: string; purpose?: string; channel?: string; limit?: number },
): Promise<MessageView[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (input.status) {
    if (!(MESSAGE_STATUSES as readonly string[]).includes(input.status))
      throw new ValidationError('status', input.status, `use ${MESSAGE_STATUSES.join(', ')}`);
    params.push(input.status);
    where.push(`status = $${params.length}`);
  }
  if (input.purpose) {
    params.push(input.purpose);
    where.push(`purpose = $${params.length}`);
  }
  if (input.channel) {
    params.push(input.channel);
    where.push(`channel = $${params.length}`);
  }
  params.push(input.limit ?? 100);
  const rows = await query<MessageRow>(
    em,
    `select id, created_at, channel, recipient, purpose, status, provider_message_id, error_code, attempts, segments,
       body, reference, sent_at
     from messages ${where.length ? `where ${where.join(' and ')}` : ''}
     order by created_at desc, id limit $${params.length}`,
    params,
  );
  return rows.map(toView);
}

export async function findMessage(em: EntityManager, id: string): Promise<MessageView> {
  const row = await queryOne<MessageRow>(em, 'select * from messages where id::text = $1', [id]);
  if (!row) throw new NotFoundError('message', id);
  return toView(row);
}

export interface SyncResult {
  checked: number;
  updated: number;
  /** E-mails cannot be fetched from SendGrid (it reports by event webhook). */
  skipped: number;
  failed: number;
  byStatus: Record<string, number>;
}

const TWILIO_STATUS: Record<string, MessageStatus> = {
  queued: 'queued',
  accepted: 'queued',
  scheduled: 'queued',
  sending: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
  canceled: 'failed',
};

/**
 * Fetches delivery statuses from the provider for recent messages that are not final yet
 * (queued/sent) and records what changed: asynchronous failures such as WhatsApp 63016 show up here.
 */
export async function syncMessages(
  em: EntityManager,
  messenger: Messenger,
  clock: Clock,
  { sinceHours = 72, limit = 1000 }: { sinceHours?: number; limit?: number } = {},
): Promise<SyncResult> {
  const rows = await query<{
    id: string;
    channel: Channel;
    provider_message_id: string;
    status: MessageStatus;
  }>(
    em,
    `select id, channel, provider_message_id, status from messages
     where status in ('queued', 'sent') and provider_message_id is not null and created_at >= $1::timestamptz
     order by created_at limit $2`,
    [clock.now().minus({ hours: sinceHours }).toISO(), limit],
  );
  const result: SyncResult = { checked: 0, updated: 0, skipped: 0, failed: 0, byStatus: {} };
  for (const row of rows) {
    if (row.channel === 'email') {
      result.skipped++;
      continue;
    }
    let remote: Awaited<ReturnType<Messenger['fetchStatus']>>;
    try {
      remote = await messenger.fetchStatus(row.channel, row.provider_message_id);
    } catch {
      result.failed++;
      continue;
    }
    result.checked++;
    if (!remote) continue;
    const status = TWILIO_STATUS[remote.status] ?? row.status;
    result.byStatus[status] = (result.byStatus[status] ?? 0) + 1;
    if (status !== row.status || remote.errorCode) {
      await query(
        em,
        `update messages set status = $2, error_code = coalesce($3, error_code), error_message = coalesce($4, error_message),
           status_checked_at = $5::timestamptz, updated_at = $5::timestamptz where id = $1`,
        [row.id, status, remote.errorCode, remote.errorMessage, clock.now().toISO()],
      );
      result.updated++;
    } else {
      await query(em, 'update messages set status_checked_at = $2::timestamptz where id = $1', [
        row.id,
        clock.now().toISO(),
      ]);
    }
  }
  // Owner messages are logged in owner_communications (owner CRM) with their delivery status.
  const owners = await queryOne<{ present: boolean }>(
    em,
    `select to_regclass('owner_communications') is not null as present`,
  );
  if (owners?.present)
    await query(
      em,
      `update owner_communications oc set delivery_status = m.status from messages m
       where oc.message_id = m.id and m.purpose = 'owner' and oc.delivery_status <> m.status`,
    );
  return result;
}
