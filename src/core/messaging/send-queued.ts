/**
 * The outbox sender (`crm message send`, also run at the end of `crm reminder send`): sends the
 * messages operations queued with `queueMessage` (low-rating alerts, loyalty notices), each once.
 *
 * 0. SWEEP: queued messages left `sending` longer than the lease (their sender was killed or hung
 *    mid-call) are settled without a second send, as the reminder sweep does: SMS and WhatsApp
 *    are looked up at Twilio (found: recorded with its SID; not found: queued again; Twilio cannot
 *    be asked: `unknown`, asked again by the next run); an e-mail (SendGrid has no lookup) is
 *    assumed sent and left `unknown` with that note. The rows stay locked while Twilio is asked.
 * 1. CLAIM (one transaction per batch): queued `pending` rows, oldest first, `FOR UPDATE SKIP
 *    LOCKED`; in quiet hours SMS and WhatsApp wait (e-mail goes any time); a patient who opted out
 *    of the channel gets nothing (the row ends `failed`, `opted_out`); the rest are marked
 *    `sending`, and that commits before any provider call.
 * 2. SEND, then RECORD the outcomes (message.sql.ts `recordOutcomes`): a transient failure goes
 *    back to the queue for the next run (at most OUTBOX_MAX_ATTEMPTS provider tries in all); an
 *    outcome in doubt stays `sending` for the sweep of a later run.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { maskEmail, maskPhone } from '../audit/redact.js';
import type { ServiceContext } from '../context.js';
import { ValidationError } from '../errors.js';
import type { Channel } from '../patients/patient.entity.js';
import { askProviderAboutSends, assignFoundSends } from './in-doubt-sends.js';
import {
  knownProviderIds,
  markSendStarted,
  type OutcomeToRecord,
  recordOutcomes,
  type SettledMessage,
  settleMessages,
} from './message.sql.js';
import type { MessagingConfig } from './messaging.config.js';
import { requireCredentials } from './messaging.config.js';
import type { Messenger, SendOutcome } from './messenger.js';
import {
  attemptsOf,
  type ClaimedOutboxRow,
  claimQueuedMessages,
  countQuietDeferred,
  databaseNow,
  failOptedOut,
  listQueuedMessages,
  requeueMessages,
  type StaleOutboxRow,
  selectStaleSends,
} from './outbox.sql.js';
import { quietPeriodEnd } from './quiet-hours.js';
import { TWILIO_STATUS } from './sync-messages.js';

/** Provider tries a queued message gets across runs before a transient failure is final. */
export const OUTBOX_MAX_ATTEMPTS = 10;

export const OUTBOX_NOTES = {
  notAtTwilio: 'not sent: the sender stopped during the call and Twilio has no such message; queued again',
  foundAtTwilio: 'the sender stopped during the call; found at Twilio and recorded, not sent again',
  emailAssumed:
    'outcome unknown: the sender stopped during the SendGrid call, which cannot be looked up; assumed sent',
} as const;

export interface OutboxRunResult {
  /** Accepted by the provider (or found there after an interrupted send). */
  sent: number;
  /** Failed for good (a permanent provider error, or transient ones beyond the attempts). */
  failed: number;
  /** SMS and WhatsApp held back by quiet hours. */
  deferred: number;
  /** Not sent because the patient opted out of the channel. */
  skipped: number;
  /** Queued again after a transient failure, or in doubt (settled by a later run's sweep). */
  retrying: number;
  /** Interrupted sends of earlier runs settled by the sweep. */
  recovered: number;
}

export interface OutboxRunOptions {
  /** At most this many queued messages claimed in this run (default: all). */
  limit?: number;
  /** Messages claimed per transaction (default 100). */
  batchSize?: number;
  /** Provider calls in flight at once (default 8). */
  concurrency?: number;
  /** How long a `sending` row is left to its sender before the sweep settles it (default 300 s). */
  leaseSeconds?: number;
}

export type OutboxMessengerFactory = (channels: Channel[]) => Promise<Messenger>;

const emptyResult = (): OutboxRunResult => ({
  sent: 0,
  failed: 0,
  deferred: 0,
  skipped: 0,
  retrying: 0,
  recovered: 0,
});

/** Sweeps interrupted sends, then claims, sends and records queued messages until none are left. */
export async function sendQueuedMessages(
  ctx: ServiceContext,
  messaging: MessagingConfig,
  messengerFor: OutboxMessengerFactory,
  options: OutboxRunOptions = {},
): Promise<OutboxRunResult> {
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 1))
    throw new ValidationError('limit', options.limit, 'expected a whole number ≥ 1');
  const batchSize = options.batchSize ?? 100;
  const concurrency = options.concurrency ?? 8;
  const leaseSeconds = options.leaseSeconds ?? 300;
  const result = emptyResult();
  let messenger: Messenger | undefined;
  const loaded = new Set<Channel>();
  const messengerOf = async (channels: Channel[]) => {
    const needed = channels.filter((c) => !loaded.has(c));
    if (!messenger || needed.length) {
      for (const c of needed) loaded.add(c);
      messenger = await messengerFor([...loaded]);
    }
    return messenger;
  };

  await sweepStaleSends(ctx, messaging, messengerOf, leaseSeconds, batchSize, result);

  const runStartedAt = await databaseNow(ctx.em);
  const quiet = quietPeriodEnd(ctx.clock.now(), messaging.quietHours) !== undefined;
  let remaining = options.limit ?? Number.POSITIVE_INFINITY;
  while (remaining > 0) {
    const size = Math.min(batchSize, remaining);
    const claimed = await ctx.em.transactional(async (t) => {
      const em = t as EntityManager;
      const rows = await claimQueuedMessages(em, size, runStartedAt, quiet);
      const toSend = rows.filter((r) => !r.opted_out);
      // A channel without credentials stops the run before anything is written (exit 7).
      requireCredentials(
        messaging,
        toSend.map((r) => r.channel),
      );
      const nowIso = ctx.clock.now().toISO()!;
      await failOptedOut(
        em,
        rows.filter((r) => r.opted_out).map((r) => r.id),
        nowIso,
      );
      result.skipped += rows.length - toSend.length;
      // `sending` commits with the claim, before any provider call (the sweep relies on it).
      await markSendStarted(
        em,
        toSend.map((r) => r.id),
        nowIso,
      );
      return { seen: rows.length, toSend };
    });
    if (claimed.seen === 0) break;
    remaining -= claimed.seen;
    if (claimed.toSend.length) {
      const sender = await messengerOf(claimed.toSend.map((r) => r.channel));
      for (let i = 0; i < claimed.toSend.length; i += concurrency)
        await sendGroup(ctx, sender, claimed.toSend.slice(i, i + concurrency), result);
    }
    if (claimed.seen < size) break;
  }
  if (quiet) result.deferred = await countQuietDeferred(ctx.em);
  return result;
}

/** Sends one group of claimed messages and commits their outcomes together. */
async function sendGroup(
  ctx: ServiceContext,
  messenger: Messenger,
  rows: ClaimedOutboxRow[],
  result: OutboxRunResult,
): Promise<void> {
  const taken = new Set<string>();
  const isTaken = async (id: string) => {
    if (taken.has(id)) return true;
    taken.add(id);
    return (await knownProviderIds(ctx.em, [id])).has(id);
  };
  const sent = await Promise.all(
    rows.map(async (row) => {
      const message = {
        channel: row.channel,
        to: row.recipient,
        subject: row.subject,
        body: row.body,
        contentSid: row.content_sid,
        contentVariables: row.content_variables,
      };
      let outcome: SendOutcome;
      try {
        outcome = await messenger.send(message, { isTaken });
      } catch (error) {
        // A provider that throws instead of answering: the call may have happened (in doubt).
        outcome = {
          ok: false,
          transient: true,
          inDoubt: true,
          errorCode: 'send_error',
          errorMessage: (error as Error).message,
          tries: 1,
        };
      }
      return { row, outcome };
    }),
  );
  // An outcome in doubt stays `sending`: the sweep of a run after the lease settles it.
  const done = sent.filter((s) => s.outcome.ok || !s.outcome.inDoubt);
  result.retrying += sent.length - done.length;
  if (done.length === 0) return;
  await ctx.em.transactional(async (t) => {
    const em = t as EntityManager;
    const nowIso = ctx.clock.now().toISO()!;
    const outcomes: OutcomeToRecord[] = done.map((s) => ({
      messageId: s.row.id,
      outcome: s.outcome,
      channel: s.row.channel,
      patientId: s.row.patient_id,
    }));
    await recordOutcomes(em, outcomes, nowIso);
    const attempts = await attemptsOf(
      em,
      done.map((s) => s.row.id),
    );
    const retry = done.filter(
      (s) => !s.outcome.ok && s.outcome.transient && (attempts.get(s.row.id) ?? 0) < OUTBOX_MAX_ATTEMPTS,
    );
    await requeueMessages(
      em,
      retry.map((s) => s.row.id),
      nowIso,
    );
    for (const s of done) {
      if (s.outcome.ok) result.sent++;
      else if (retry.includes(s)) result.retrying++;
      else result.failed++;
    }
  });
}

/** Settles queued messages whose sender died mid-send (see the module comment, step 0). */
async function sweepStaleSends(
  ctx: ServiceContext,
  messaging: MessagingConfig,
  messengerOf: OutboxMessengerFactory,
  leaseSeconds: number,
  batchSize: number,
  result: OutboxRunResult,
): Promise<void> {
  for (;;) {
    const seen = await ctx.em.transactional(async (t) => {
      const em = t as EntityManager;
      const rows = await selectStaleSends(em, leaseSeconds, batchSize);
      if (rows.length === 0) return 0;
      const lookups = rows.filter((r) => r.channel !== 'email');
      requireCredentials(
        messaging,
        lookups.map((r) => r.channel),
      );
      const settled: SettledMessage[] = rows
        .filter((r) => r.channel === 'email')
        .map((r) => verdict(r, 'unknown', 'interrupted', OUTBOX_NOTES.emailAssumed, true));
      if (lookups.length) {
        const messenger = await messengerOf([...new Set(lookups.map((r) => r.channel))]);
        settled.push(...(await lookUp(em, messenger, lookups)));
      }
      await settleMessages(em, settled, ctx.clock.now().toISO()!);
      result.recovered += settled.filter(
        (s) => s.status !== 'unknown' || s.errorCode !== 'lookup_failed',
      ).length;
      result.sent += settled.filter((s) => s.wentOut).length;
      return rows.length;
    });
    if (seen < batchSize) return;
  }
}

/** Asks Twilio about interrupted sends; each provider id is given to one row only. */
async function lookUp(
  em: EntityManager,
  messenger: Messenger,
  rows: StaleOutboxRow[],
): Promise<SettledMessage[]> {
  const answers = await askProviderAboutSends(messenger, rows, (row) => ({
    message: { channel: row.channel, to: row.recipient, body: row.body, contentSid: row.content_sid },
    startedAt: new Date(row.send_started_at),
  }));
  return (await assignFoundSends(em, answers)).map((answer) => {
    const { row } = answer;
    if ('error' in answer) {
      const reason = `outcome unknown: Twilio lookup failed (${(answer.error as Error | undefined)?.message ?? 'no answer'}); asked again by the next run`;
      return verdict(row, 'unknown', 'lookup_failed', reason, false);
    }
    if ('notFound' in answer) return verdict(row, 'pending', 'not_sent', OUTBOX_NOTES.notAtTwilio, false);
    return verdict(
      row,
      TWILIO_STATUS[answer.match.status] ?? 'queued',
      null,
      OUTBOX_NOTES.foundAtTwilio,
      true,
      answer.match.providerMessageId,
    );
  });
}

function verdict(
  row: StaleOutboxRow,
  status: SettledMessage['status'],
  errorCode: string | null,
  errorMessage: string,
  wentOut: boolean,
  providerMessageId: string | null = null,
): SettledMessage {
  return {
    messageId: row.id,
    status,
    providerMessageId,
    errorCode,
    errorMessage,
    wentOut,
    // Only a `sending` row's call is not counted yet (a failed lookup counted it).
    called: row.status === 'sending',
  };
}

/** What `message send --dry-run` shows for a queued message. */
export interface PlannedOutboxMessage {
  id: string;
  channel: Channel;
  purpose: string;
  /** `send`, `defer` (quiet hours) or `skip` (the patient opted out). */
  action: 'send' | 'defer' | 'skip';
  to: string;
  subject: string | null;
  body: string;
}

/** The queued messages a run would take and what it would do with each; writes and sends nothing. */
export async function planQueuedMessages(
  ctx: ServiceContext,
  messaging: MessagingConfig,
  options: { limit?: number } = {},
): Promise<PlannedOutboxMessage[]> {
  const quiet = quietPeriodEnd(ctx.clock.now(), messaging.quietHours) !== undefined;
  const rows = await listQueuedMessages(ctx.em, options.limit ?? 1000);
  return rows.map((r) => ({
    id: r.id,
    channel: r.channel,
    purpose: r.purpose,
    action: r.opted_out ? 'skip' : quiet && r.channel !== 'email' ? 'defer' : 'send',
    to: r.channel === 'email' ? maskEmail(r.recipient) : maskPhone(r.recipient),
    subject: r.subject,
    body: r.body,
  }));
}
