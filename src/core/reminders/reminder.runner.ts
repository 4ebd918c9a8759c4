/**
 * `crm reminder send`: the cron job that sends due reminders exactly once across any number of
 * concurrent runners.
 *
 * 1. CLAIM (one transaction per batch): due pending reminders are locked with
 *    `FOR UPDATE SKIP LOCKED`, the appointment is re-checked, quiet hours applied, the channel
 *    chosen and the text rendered; for each one to send a `messages` row is inserted (`pending`)
 *    and the reminder gets a lease (`claimed_by`, `claimed_until`). Other runners skip leased rows.
 * 2. SEND: after that commit, each message goes to the provider (with retries of transient errors).
 * 3. RECORD: outcomes are committed in small groups (one per `concurrency` sends): sent, failed,
 *    or back to pending with a later `next_attempt_at` (transient, up to 5 attempts).
 *
 * A runner that dies between 2 and 3 leaves leased reminders whose message rows are `pending`:
 * after the lease they are claimed again and sent again. That claimed-but-unacknowledged window
 * (at most 2 × `concurrency` messages per dead runner: one group on the wire, one being
 * committed) is the only way a reminder can go twice;
 * docs/reminders.md explains it. Nothing is ever lost.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { query } from '../db/sql.js';
import { ValidationError } from '../errors.js';
import { insertPendingMessages, type PendingMessage, recordOutcomes } from '../messaging/message.service.js';
import { type MessagingConfig, requireCredentials } from '../messaging/messaging.config.js';
import type { Messenger, SendOutcome } from '../messaging/messenger.js';
import { quietPeriodEnd } from '../messaging/quiet-hours.js';
import { pickVariant, renderTemplate, type TemplateVariant } from '../messaging/template.js';
import { loadTemplate } from '../messaging/template.service.js';
import type { Channel } from '../patients/patient.entity.js';
import { type Clock, formatAppointmentTime, LAGOS } from '../time.js';

export interface ReminderRunResult {
  sent: number;
  failed: number;
  deferred: number;
  /** Appointments that started (or are no longer on) before their reminder could go. */
  expired: number;
  retrying: number;
}

export interface ReminderRunOptions {
  /** At most this many reminders in this run (default: all that are due). */
  limit?: number;
  dryRun?: boolean;
  /** Reminders claimed per transaction (default 200). */
  batchSize?: number;
  /** Provider calls in flight at once; also the size of an outcome commit (default 16). */
  concurrency?: number;
  /** How long a claim holds before another runner may take the reminder again (default 300 s). */
  leaseSeconds?: number;
  /** Attempts before a transiently failing reminder fails for good (default 5). */
  maxAttempts?: number;
  runnerId?: string;
  /** Called after each batch (progress on a TTY). */
  onProgress?: (result: ReminderRunResult) => void;
}

export interface PlannedReminder {
  reminderId: string;
  action: 'send' | 'defer' | 'expire' | 'cancel' | 'fail';
  channel?: Channel;
  /** Masked recipient, for dry-run output. */
  body?: string;
  reason?: string;
  deferUntil?: string;
}

export type MessengerFactory = (channels: Channel[]) => Promise<Messenger>;

interface DueRow {
  id: string;
  appointment_id: string;
  kind: string;
  attempts: number;
  status: string;
  starts_at: Date | string;
  first_name: string;
  last_name: string;
  phone: string | null;
  email: string | null;
  preferred_channel: Channel;
  preferred_language: string;
  opted_out_sms: boolean;
  opted_out_whatsapp: boolean;
  opted_out_email: boolean;
  patient_id: string;
  doctor_name: string;
  hospital_name: string;
}

/**
 * Due reminders with what rendering needs. The queue is read through its own index first (with
 * the row locks when claiming), then joined: joining before the LIMIT would sort every due row.
 */
function dueSelect(lock: boolean): string {
  return `with due as (
    select r.id from reminder r
    where r.status = 'pending' and r.next_attempt_at <= $1::timestamptz
      and (r.claimed_until is null or r.claimed_until < clock_timestamp())
    order by r.next_attempt_at
    limit $2${lock ? ' for update skip locked' : ''})
  select r.id, r.appointment_id, r.kind, r.attempts, a.status, a.starts_at,
    p.id as patient_id, p.first_name, p.last_name, p.phone, p.email, p.preferred_channel, p.preferred_language,
    p.opted_out_sms, p.opted_out_whatsapp, p.opted_out_email, d.name as doctor_name, h.name as hospital_name
  from due join reminder r on r.id = due.id join appointment a on a.id = r.appointment_id
  join patient p on p.id = a.patient_id join doctor d on d.id = a.doctor_id join hospital h on h.id = a.hospital_id
  order by r.next_attempt_at`;
}

const CHANNEL_ORDER: Channel[] = ['sms', 'whatsapp', 'email'];

interface Decision {
  row: DueRow;
  action: PlannedReminder['action'];
  reason?: string;
  deferUntil?: DateTime;
  message?: PendingMessage;
}

/** The end of the quiet period `now` is in (memoised: every row of a batch shares `now`). */
let quietMemo: { at: number; config: MessagingConfig; end: DateTime | undefined } | undefined;
function quietEndOf(now: DateTime, config: MessagingConfig): DateTime | undefined {
  if (quietMemo?.at !== now.toMillis() || quietMemo.config !== config)
    quietMemo = { at: now.toMillis(), config, end: quietPeriodEnd(now, config.quietHours) };
  return quietMemo.end;
}

function decide(
  row: DueRow,
  now: DateTime,
  config: MessagingConfig,
  variants: TemplateVariant[],
  maxAttempts: number,
): Decision {
  const startsAt = DateTime.fromJSDate(
    row.starts_at instanceof Date ? row.starts_at : new Date(row.starts_at),
  ).setZone(LAGOS);
  if (row.status !== 'scheduled' && row.status !== 'confirmed')
    return { row, action: 'cancel', reason: `appointment ${row.status}` };
  if (startsAt <= now) return { row, action: 'expire', reason: 'appointment already started' };
  if (row.attempts >= maxAttempts)
    return { row, action: 'fail', reason: `gave up after ${row.attempts} attempts` };
  const quietEnd = quietEndOf(now, config);
  // In quiet hours: wait for the morning when that is still before the appointment, else send now.
  if (quietEnd && quietEnd < startsAt) return { row, action: 'defer', deferUntil: quietEnd };
  const variant = pickVariant(variants, row.preferred_language);
  if (!variant) return { row, action: 'fail', reason: 'no reminder template' };
  const whatsappSid = variant.contentSid ?? config.whatsappReminderContentSid;
  const can = (c: Channel) => {
    if (row[`opted_out_${c}`]) return false;
    if (c === 'email') return Boolean(row.email);
    // A reminder starts a WhatsApp conversation: only with an approved template (Content SID).
    if (c === 'whatsapp') return Boolean(row.phone && whatsappSid);
    return Boolean(row.phone);
  };
  const channel = [row.preferred_channel, ...CHANNEL_ORDER].find(can);
  if (!channel) return { row, action: 'fail', reason: 'no channel the patient can receive' };
  const values = {
    first_name: row.first_name,
    last_name: row.last_name,
    hospital_name: row.hospital_name,
    doctor_name: row.doctor_name,
    appointment_time: formatAppointmentTime(startsAt),
  };
  const body = renderTemplate(variant.body, values);
  const message: PendingMessage = {
    channel,
    to: channel === 'email' ? row.email! : row.phone!,
    body,
    subject: channel === 'email' ? renderTemplate(variant.subject ?? 'Appointment reminder', values) : null,
    purpose: 'reminder',
    patientId: row.patient_id,
    reference: `reminder:${row.id}`,
  };
  if (channel === 'whatsapp') {
    message.contentSid = whatsappSid;
    message.contentVariables = {
      1: values.first_name,
      2: values.appointment_time,
      3: values.doctor_name,
      4: values.hospital_name,
    };
  }
  return { row, action: 'send', message };
}

/** Retry waits between runs: 1, 2, 4, 8 minutes… (capped at 1 h) with ±25 % jitter. */
function retryDelaySeconds(attempt: number): number {
  const base = Math.min(3600, 60 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

function emptyResult(): ReminderRunResult {
  return { sent: 0, failed: 0, deferred: 0, expired: 0, retrying: 0 };
}

/** What a run would do now, writing and sending nothing (`--dry-run`). */
export async function planDueReminders(
  em: EntityManager,
  clock: Clock,
  config: MessagingConfig,
  options: { limit?: number; maxAttempts?: number } = {},
): Promise<{ result: ReminderRunResult; planned: PlannedReminder[] }> {
  const now = clock.now();
  const variants = await loadTemplate(em, 'reminder');
  const rows = await query<DueRow>(em, dueSelect(false), [now.toISO(), options.limit ?? 10_000]);
  const result = emptyResult();
  const planned: PlannedReminder[] = [];
  for (const row of rows) {
    const d = decide(row, now, config, variants, options.maxAttempts ?? 5);
    if (d.action === 'send') result.sent++;
    else if (d.action === 'defer') result.deferred++;
    else if (d.action === 'fail') result.failed++;
    else result.expired++;
    planned.push({
      reminderId: row.id,
      action: d.action,
      channel: d.message?.channel,
      body: d.message?.body,
      reason: d.reason,
      deferUntil: d.deferUntil?.toISO() ?? undefined,
    });
  }
  return { result, planned };
}

interface Claimed {
  reminderId: string;
  messageId: string;
  attempts: number;
  message: PendingMessage;
}

async function claimBatch(
  em: EntityManager,
  now: DateTime,
  config: MessagingConfig,
  variants: TemplateVariant[],
  o: Required<Pick<ReminderRunOptions, 'batchSize' | 'leaseSeconds' | 'maxAttempts' | 'runnerId'>>,
  size: number,
  result: ReminderRunResult,
): Promise<{ claimed: Claimed[]; seen: number }> {
  return em.transactional(async (t) => {
    const tem = t as EntityManager;
    const rows = await query<DueRow>(tem, dueSelect(true), [now.toISO(), size]);
    const decisions = rows.map((row) => decide(row, now, config, variants, o.maxAttempts));
    const toSend = decisions.filter((d) => d.action === 'send');
    // Before anything is written: a channel without credentials stops the run (exit 7).
    requireCredentials(
      config,
      toSend.map((d) => d.message!.channel),
    );
    const nowIso = now.toISO()!;
    const closeAs = async (action: Decision['action'], status: string) => {
      const ds = decisions.filter((d) => d.action === action);
      if (!ds.length) return;
      await query(
        tem,
        `update reminder r set status = $2, last_error = t.reason, claimed_by = null, claimed_until = null,
           updated_at = $3::timestamptz
         from unnest($1::uuid[], $4::text[]) as t(id, reason) where r.id = t.id`,
        [ds.map((d) => d.row.id), status, nowIso, ds.map((d) => d.reason ?? null)],
      );
    };
    await closeAs('expire', 'expired');
    await closeAs('cancel', 'cancelled');
    await closeAs('fail', 'failed');
    const deferred = decisions.filter((d) => d.action === 'defer');
    if (deferred.length)
      await query(
        tem,
        `update reminder r set next_attempt_at = t.at, updated_at = $2::timestamptz
         from unnest($1::uuid[], $3::timestamptz[]) as t(id, at) where r.id = t.id`,
        [deferred.map((d) => d.row.id), nowIso, deferred.map((d) => d.deferUntil!.toISO())],
      );
    for (const d of decisions) {
      if (d.action === 'defer') result.deferred++;
      else if (d.action === 'fail') result.failed++;
      else if (d.action === 'expire' || d.action === 'cancel') result.expired++;
    }
    const messageIds = await insertPendingMessages(
      tem,
      toSend.map((d) => d.message!),
      nowIso,
    );
    if (toSend.length)
      await query(
        tem,
        `update reminder r set attempts = r.attempts + 1, claimed_by = $3,
           claimed_until = clock_timestamp() + make_interval(secs => $4), message_id = t.message_id,
           updated_at = $5::timestamptz
         from unnest($1::uuid[], $2::uuid[]) as t(id, message_id) where r.id = t.id`,
        [toSend.map((d) => d.row.id), messageIds, o.runnerId, o.leaseSeconds, nowIso],
      );
    return {
      seen: rows.length,
      claimed: toSend.map((d, i) => ({
        reminderId: d.row.id,
        messageId: messageIds[i],
        attempts: d.row.attempts + 1,
        message: d.message!,
      })),
    };
  });
}

async function recordBatch(
  em: EntityManager,
  clock: Clock,
  done: { claim: Claimed; outcome: SendOutcome }[],
  maxAttempts: number,
  result: ReminderRunResult,
): Promise<void> {
  const now = clock.now();
  const nowIso = now.toISO()!;
  const ids: string[] = [];
  const statuses: string[] = [];
  const errors: (string | null)[] = [];
  const next: (string | null)[] = [];
  for (const { claim, outcome } of done) {
    ids.push(claim.reminderId);
    if (outcome.ok) {
      statuses.push('sent');
      errors.push(null);
      next.push(null);
      result.sent++;
    } else if (outcome.transient && claim.attempts < maxAttempts) {
      statuses.push('pending');
      errors.push(`${outcome.errorCode}: ${outcome.errorMessage}`.slice(0, 500));
      next.push(now.plus({ seconds: retryDelaySeconds(claim.attempts) }).toISO());
      result.retrying++;
    } else {
      statuses.push('failed');
      errors.push(`${outcome.errorCode}: ${outcome.errorMessage}`.slice(0, 500));
      next.push(null);
      result.failed++;
    }
  }
  await em.transactional(async (t) => {
    const tem = t as EntityManager;
    await recordOutcomes(
      tem,
      done.map((d) => ({
        messageId: d.claim.messageId,
        outcome: d.outcome,
        channel: d.claim.message.channel,
        patientId: d.claim.message.patientId,
      })),
      nowIso,
    );
    await query(
      tem,
      `update reminder r set status = t.status, last_error = t.error,
         next_attempt_at = coalesce(t.next_at, r.next_attempt_at),
         sent_at = case when t.status = 'sent' then $5::timestamptz else r.sent_at end,
         claimed_by = null, claimed_until = null, updated_at = $5::timestamptz
       from unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[]) as t(id, status, error, next_at)
       where r.id = t.id and r.status = 'pending'`,
      [ids, statuses, errors, next, nowIso],
    );
  });
}

/** Claims, sends and records due reminders until none are left (or `limit` is reached). */
export async function sendDueReminders(
  em: EntityManager,
  clock: Clock,
  config: MessagingConfig,
  messengerFor: MessengerFactory,
  options: ReminderRunOptions = {},
): Promise<ReminderRunResult> {
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 1))
    throw new ValidationError('limit', options.limit, 'expected a whole number ≥ 1');
  const o = {
    batchSize: options.batchSize ?? 200,
    concurrency: options.concurrency ?? 16,
    leaseSeconds: options.leaseSeconds ?? 300,
    maxAttempts: options.maxAttempts ?? 5,
    runnerId: options.runnerId ?? randomUUID(),
  };
  const result = emptyResult();
  const variants = await loadTemplate(em, 'reminder');
  let remaining = options.limit ?? Number.POSITIVE_INFINITY;
  let messenger: Messenger | undefined;
  const channelsLoaded = new Set<Channel>();
  while (remaining > 0) {
    const now = clock.now();
    const { claimed, seen } = await claimBatch(
      em,
      now,
      config,
      variants,
      o,
      Math.min(o.batchSize, remaining),
      result,
    );
    if (seen === 0) break;
    remaining -= seen;
    if (claimed.length) {
      const needed = claimed.map((c) => c.message.channel).filter((c) => !channelsLoaded.has(c));
      if (!messenger || needed.length) {
        for (const c of needed) channelsLoaded.add(c);
        messenger = await messengerFor([...channelsLoaded]);
      }
      // Pipelined: while one group's outcomes are being committed, the next group is on the wire.
      let recording: Promise<void> = Promise.resolve();
      for (let i = 0; i < claimed.length; i += o.concurrency) {
        const group = claimed.slice(i, i + o.concurrency);
        const m = messenger;
        const outcomes = await Promise.all(group.map((claim) => m.send(claim.message)));
        await recording;
        recording = recordBatch(
          em,
          clock,
          group.map((claim, j) => ({ claim, outcome: outcomes[j] })),
          o.maxAttempts,
          result,
        );
        // Awaited before the next commit; a failure must not count as unhandled meanwhile.
        recording.catch(() => {});
      }
      await recording;
    }
    options.onProgress?.(result);
    if (seen < Math.min(o.batchSize, remaining + seen)) break;
  }
  return result;
}
