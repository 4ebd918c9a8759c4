/**
 * `crm campaign send`: snapshots the audience (start-campaign-send.ts), then sends to it in
 * batches until nobody is left, from any number of senders at once:
 *
 * 0. RECOVER: recipients whose claim's lease ran out without an outcome are settled first
 *    (recover-campaign-sends.ts) — looked up at Twilio rather than sent again; then at most once a
 *    second, and whenever nothing pending is left.
 * 1. CLAIM + START (one transaction per group): pending recipients are locked
 *    (`FOR UPDATE SKIP LOCKED`, none once the campaign is no longer `sending`); an opt-out or
 *    withdrawn consent since the snapshot is honoured here (skipped); the others are claimed
 *    under a lease — SMS/WhatsApp with their `messages` row already `sending`, in the same
 *    statement — all committed before the provider calls. A group is SMS/WhatsApp calls in
 *    flight at once (`concurrency`, default 100) or two SendGrid requests, sent at once, of up
 *    to 1,000 personalizations each (no address twice in one request: a third one waits,
 *    pending, for the next group); an e-mail group's messages are written once, with their
 *    request's outcome.
 * 2. RECORD (one statement per group): messages and recipients, set-based — pipelined as the
 *    reminder runner does: while one group's outcomes are being committed, the next group is
 *    claimed, started and goes on the wire (its START still commits before its calls).
 *
 * It stops early when quiet hours begin (SMS/WhatsApp; `quietUntil` says when it may go on), when
 * the campaign is paused or cancelled by someone else, or when more than 20% of this sender's
 * last 100 attempts failed (it pauses the campaign: `crm campaign resume`).
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DateTime } from 'luxon';
import type { ServiceContext } from '../context.js';
import { query } from '../db/sql.js';
import { heapBudget } from '../heap-budget.js';
import { isUnsubscribed, optOut, outcomeStatus } from '../messaging/message.sql.js';
import { type MessagingConfig, requireCredentials } from '../messaging/messaging.config.js';
import type { Messenger, SendOutcome } from '../messaging/messenger.js';
import { SENDGRID_MAX_PERSONALIZATIONS } from '../messaging/providers.js';
import { quietPeriodEnd } from '../messaging/quiet-hours.js';
import type { Channel } from '../patients/patient.entity.js';
import type { Campaign } from './campaign.entity.js';
import { decideRecipient, detailNeeds } from './campaign-render.js';
import {
  analyzeRecipients,
  type GroupMessage,
  type GroupOutcome,
  type GroupOutcomeFields,
  lockPendingRecipients,
  recordEmailGroup,
  recordGroupOutcomes,
  refreshCounters,
  startClaimed,
  startEmailGroup,
} from './campaign-send.sql.js';
import { recoverCampaignSends } from './recover-campaign-sends.js';
import { startCampaignSend } from './start-campaign-send.js';

export interface CampaignSendOptions {
  /** Share of the audience held out at the first send, in basis points (5% = 500). */
  holdoutBps?: number;
  /** Caps the recipients claimed per transaction (default: config, 500; e-mail 1,000 at most). */
  batchSize?: number;
  /** SMS/WhatsApp calls in flight at once, and so the size of a claim and of an outcome commit (default 100). */
  concurrency?: number;
  runnerId?: string;
  onProgress?: (progress: { done: number; total: number }) => void;
  /** Waits (tests make them instant). */
  sleep?: (ms: number) => Promise<void>;
}

export interface CampaignSendResult {
  successCount: number;
  failureCount: number;
  skippedCount: number;
  deliveryRate: number | null;
  unknownCount: number;
  holdoutCount: number;
  pendingCount: number;
  status: string;
  pauseReason: string | null;
  /** Quiet hours stopped the send; it may continue from this time (ISO, Lagos). */
  quietUntil: string | null;
}

/** Auto-pause: over this share of failures among the last WINDOW attempts (at least MIN_ATTEMPTS). */
export const PAUSE_SHARE = 0.2;
const WINDOW = 100;
const MIN_ATTEMPTS = 20;

/** SMS/WhatsApp calls in flight at once by default: one claim and one commit of outcomes each. */
const SMS_GROUP = 100;
/**
 * SendGrid requests in flight at once, one claim and one commit of outcomes for all: a group's
 * statements cost per statement as well as per row, and two requests' worth halves the former
 * (BENCHMARKS.md, session 14).
 */
const EMAIL_REQUESTS = 2;
/**
 * The objects a sender's heap may hold before it collects (heap-budget.ts): ~32 MB of them are
 * live; the rest is garbage of sent groups (BENCHMARKS.md, session 13, has the resident memory).
 */
const SENDER_HEAP_MB = 80;
/** How often a sender settles other senders' ended claims while there is still work pending. */
const RECOVERY_EVERY_MS = 1000;

type Claimed = {
  message: GroupMessage;
  contentVariables: Record<string, string> | null;
  ownerId: string | null;
};

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function sendCampaign(
  ctx: ServiceContext,
  messaging: MessagingConfig,
  messengerFor: (channels: Channel[]) => Promise<Messenger>,
  ref: string,
  options: CampaignSendOptions = {},
): Promise<CampaignSendResult> {
  const campaign = await startCampaignSend(ctx, messaging, ref, options.holdoutBps);
  const settings = ctx.config.campaigns;
  const runnerId = options.runnerId ?? randomUUID();
  const sleep = options.sleep ?? realSleep;
  // One claim is one group: EMAIL_REQUESTS SendGrid requests' worth of e-mails, or the
  // SMS/WhatsApp calls that are in flight at once (both capped by --batch / CRM_CAMPAIGN_BATCH).
  const cap = options.batchSize ?? settings.batchSize;
  const emailGroup = EMAIL_REQUESTS * SENDGRID_MAX_PERSONALIZATIONS;
  const groupSize =
    campaign.channel === 'email'
      ? Math.min(options.batchSize ?? emailGroup, emailGroup)
      : Math.min(options.concurrency ?? SMS_GROUP, cap);
  const channel = campaign.channel;
  // A re-run on a campaign already sending: no claim without credentials (exit 7).
  if (campaign.status === 'sending') requireCredentials(messaging, [channel]);
  let messenger: Messenger | undefined;
  const messengerOf = async () => {
    messenger ??= await messengerFor([channel]);
    return messenger;
  };
  // What a claim joins besides the person: only what the campaign's texts name.
  const needs = detailNeeds(campaign);
  const window: boolean[] = [];
  // A sender's memory stays bounded however long the audience (heap-budget.ts).
  const heap = heapBudget(SENDER_HEAP_MB);
  const pace = pacer(channel === 'email' ? messaging.ratePerSecond.email : 0, sleep);
  let quietUntil: DateTime | undefined;
  let pauseReason: string | null = null;
  let done = 0;
  const total = campaign.audienceCount;
  // The previous group's outcomes, being committed while this group is claimed, started and sent.
  let recording: Promise<void> = Promise.resolve();
  // Ended claims of other senders are settled at the start, then at most once a second, and
  // whenever nothing pending is left.
  let recoveredAt = -Infinity;
  // Where this sender's next claim starts reading (ids in order; see lockPendingRecipients).
  let after = '0';
  const recover = async () => {
    recoveredAt = Date.now();
    // Recipients settled back to pending may lie behind the cursor: read from the start again.
    if (
      await recoverCampaignSends(
        ctx.em,
        ctx.clock,
        campaign,
        async () => messengerOf(),
        runnerId,
        settings.leaseSeconds,
      )
    )
      after = '0';
  };
  try {
    for (;;) {
      if (campaign.status !== 'sending') break;
      if (channel !== 'email') {
        quietUntil = quietPeriodEnd(ctx.clock.now(), messaging.quietHours);
        if (quietUntil) break;
      }
      if (Date.now() - recoveredAt >= RECOVERY_EVERY_MS) await recover();
      // CLAIM + START, one transaction: lock a group's worth of pending recipients (none while
      // the campaign is not `sending`), skip those who opted out meanwhile, and commit the
      // others' `messages` rows as `sending` with their claims before any provider call.
      const group = await ctx.em.transactional(async (t) => {
        const tem = t as EntityManager;
        const rows = await lockPendingRecipients(tem, campaign.id, groupSize, after, needs);
        const skips: { id: string; reason: string }[] = [];
        let toSend: Claimed[] = [];
        for (const row of rows) {
          const d = decideRecipient(campaign, row);
          if ('skip' in d) skips.push({ id: row.id, reason: d.skip });
          else toSend.push(d);
        }
        const startedAt = ctx.clock.now().toISO()!;
        let started: Map<string, string | null>;
        let requests: Claimed[][] = [];
        if (channel === 'email') {
          // An address at most once in a SendGrid request: the others stay pending for the next.
          requests = emailRequests(toSend).slice(0, EMAIL_REQUESTS);
          toSend = requests.flat();
          // Claimed without messages: those are written with the request's outcome.
          const claimed = await startEmailGroup(
            tem,
            skips,
            toSend.map((c) => c.message.recipientId),
            runnerId,
            settings.leaseSeconds,
            startedAt,
          );
          started = new Map([...claimed].map((id) => [id, null]));
        } else
          started = await startClaimed(
            tem,
            skips,
            toSend.map((c) => c.message),
            runnerId,
            settings.leaseSeconds,
            startedAt,
          );
        done += skips.length;
        // On from the last row locked, or from before the first one left pending (an address
        // already in this request waits for the next).
        const skipped = new Set(skips.map((k) => k.id));
        const left = rows.find((r) => !started.has(r.id) && !skipped.has(r.id));
        if (rows.length) after = left ? (BigInt(left.id) - 1n).toString() : rows[rows.length - 1].id;
        const isLive = (c: Claimed) => started.has(c.message.recipientId);
        return {
          locked: rows.length,
          live: toSend.filter(isLive),
          requests: requests.map((r) => r.filter(isLive)).filter((r) => r.length),
          started,
          startedAt,
        };
      });
      if (group.locked === 0) {
        // Nothing after the cursor: look once more from the start (rows another sender let go).
        if (after !== '0') {
          after = '0';
          continue;
        }
        await recording;
        if ((await currentStatus(ctx.em, campaign.id)) !== 'sending') break;
        // Nothing pending: finished, unless other senders still hold claims (wait for them or for
        // their leases to end, then settle what they left).
        await recover();
        const left = await query<{ n: number }>(
          ctx.em,
          `select count(*)::int as n from campaign_recipients where campaign_id = $1 and status in ('pending', 'sending')`,
          [campaign.id],
        );
        if ((left[0]?.n ?? 0) === 0) {
          const completed = await query(
            ctx.em,
            `update campaign set status = 'completed', updated_at = $2::timestamptz where id = $1 and status = 'sending'
             returning id`,
            [campaign.id, ctx.clock.now().toISO()],
          );
          // Every recipient's status changed since the snapshot's statistics: the next snapshot's
          // frequency cap reads them (planned for "nothing sent", it walked an index a million times).
          if (completed.length) await analyzeRecipients(ctx.em);
          break;
        }
        await sleep(200);
        continue;
      }
      const { live, requests, started, startedAt } = group;
      if (!live.length) {
        options.onProgress?.({ done, total });
        continue;
      }
      const sender = await messengerOf();
      let outcomes: { c: Claimed; outcome: SendOutcome }[];
      let answered: { items: Claimed[]; outcome: SendOutcome }[] = [];
      if (channel === 'email') {
        await pace(live.length);
        answered = await Promise.all(
          requests.map(async (items) => ({
            items,
            outcome: await sender.sendEmailBatch(
              items.map((c) => ({
                to: c.message.to,
                subject: c.message.subject ?? '',
                body: c.message.body,
              })),
            ),
          })),
        );
        outcomes = answered.flatMap(({ items, outcome }) => items.map((c) => ({ c, outcome })));
      } else {
        outcomes = await Promise.all(
          live.map(async (c) => ({
            c,
            outcome: await sender.send({
              channel,
              to: c.message.to,
              body: c.message.body,
              contentSid: c.message.contentSid,
              contentVariables: c.contentVariables,
            }),
          })),
        );
      }
      await recording;
      recording =
        channel === 'email'
          ? ctx.em.transactional(async (t) => {
              const nowIso = ctx.clock.now().toISO()!;
              for (const { items, outcome } of answered)
                await recordEmailGroup(
                  t as EntityManager,
                  items.map((c) => c.message),
                  outcomeFields(outcome),
                  startedAt,
                  nowIso,
                );
            })
          : recordGroup(
              ctx,
              outcomes.map((o) => ({ ...o, messageId: started.get(o.c.message.recipientId)! })),
            );
      // Awaited before the next commit of outcomes; a failure must not count as unhandled meanwhile.
      recording.catch(() => {});
      heap.check();
      done += outcomes.length;
      for (const o of outcomes) {
        window.push(!o.outcome.ok && !o.outcome.inDoubt);
        if (window.length > WINDOW) window.shift();
      }
      options.onProgress?.({ done, total });
      const failures = window.filter(Boolean).length;
      if (window.length >= MIN_ATTEMPTS && failures / window.length > PAUSE_SHARE) {
        pauseReason = `${failures} of the last ${window.length} attempts failed (${commonError(outcomes)})`;
        await recording;
        await pauseCampaign(ctx, campaign, pauseReason);
        break;
      }
    }
  } finally {
    await recording;
  }
  const counts = await ctx.em.transactional((t) => refreshCounters(t as EntityManager, campaign.id));
  const status = await currentStatus(ctx.em, campaign.id);
  const success = counts.sent ?? 0;
  const failure = counts.failed ?? 0;
  let reason = pauseReason;
  if (status === 'paused' && !reason) {
    const [row] = await query<{ pause_reason: string | null }>(
      ctx.em,
      'select pause_reason from campaign where id = $1',
      [campaign.id],
    );
    reason = row?.pause_reason ?? null;
  }
  return {
    successCount: success,
    failureCount: failure,
    skippedCount: counts.skipped ?? 0,
    deliveryRate: success + failure > 0 ? Math.round((success / (success + failure)) * 10000) / 10000 : null,
    unknownCount: counts.unknown ?? 0,
    holdoutCount: counts.holdout ?? 0,
    pendingCount: (counts.pending ?? 0) + (counts.sending ?? 0),
    status,
    pauseReason: reason,
    quietUntil: quietUntil?.toISO() ?? null,
  };
}

async function currentStatus(em: EntityManager, id: string): Promise<string> {
  const [row] = await query<{ status: string }>(em, 'select status from campaign where id = $1', [id]);
  return row.status;
}

async function pauseCampaign(ctx: ServiceContext, campaign: Campaign, reason: string): Promise<void> {
  await query(
    ctx.em,
    `update campaign set status = 'paused', pause_reason = $2, updated_at = $3::timestamptz where id = $1 and status = 'sending'`,
    [campaign.id, reason.slice(0, 500), ctx.clock.now().toISO()],
  );
}

/** The most common error of a group, for the pause message. */
function commonError(outcomes: { outcome: SendOutcome }[]): string {
  const counts = new Map<string, number>();
  for (const { outcome } of outcomes)
    if (!outcome.ok) {
      const key = `${outcome.errorCode}: ${outcome.errorMessage}`.slice(0, 120);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  const top = [...counts].sort((a, b) => b[1] - a[1])[0];
  return top ? `most recent: ${top[0]}` : 'see crm campaign status';
}

/** What a provider's outcome writes on a message row and on its recipient. */
function outcomeFields(outcome: SendOutcome): GroupOutcomeFields {
  if (outcome.ok)
    return {
      messageStatus: outcomeStatus(outcome),
      providerMessageId: outcome.providerMessageId || null,
      errorCode: null,
      errorMessage: null,
      tries: outcome.tries,
      recipientStatus: 'sent',
      retryable: false,
      reason: null,
    };
  if (outcome.inDoubt)
    return {
      messageStatus: 'unknown',
      providerMessageId: null,
      errorCode: outcome.errorCode,
      errorMessage: `outcome unknown: ${outcome.errorMessage}; not sent again`,
      tries: 1,
      recipientStatus: 'unknown',
      retryable: false,
      reason: outcome.errorCode,
    };
  return {
    messageStatus: 'failed',
    providerMessageId: null,
    errorCode: outcome.errorCode,
    errorMessage: outcome.errorMessage,
    tries: outcome.tries,
    recipientStatus: 'failed',
    retryable: outcome.transient,
    reason: outcome.errorCode,
  };
}

/**
 * Records an SMS/WhatsApp group's outcomes: messages and recipients in one statement (and,
 * rarely, patients or owners the provider says unsubscribed), in one transaction.
 */
async function recordGroup(
  ctx: ServiceContext,
  sent: { c: { message: GroupMessage; ownerId: string | null }; outcome: SendOutcome; messageId: string }[],
): Promise<void> {
  const nowIso = ctx.clock.now().toISO()!;
  const rows = sent.map(
    ({ c, outcome, messageId }): GroupOutcome => ({
      recipientId: c.message.recipientId,
      messageId,
      ...outcomeFields(outcome),
    }),
  );
  // A group is one campaign's, so one channel.
  const channel = sent[0]?.c.message.channel;
  const unsubscribed = sent.filter((s) => isUnsubscribed(s.outcome)).map((s) => s.c);
  const patientsOut = unsubscribed.filter((c) => c.message.patientId).map((c) => c.message.patientId!);
  const ownersOut = unsubscribed.filter((c) => c.ownerId).map((c) => c.ownerId!);
  await ctx.em.transactional(async (t) => {
    const tem = t as EntityManager;
    await recordGroupOutcomes(tem, rows, nowIso);
    await optOut(tem, { table: 'patient', by: 'id' }, channel, patientsOut, nowIso);
    await optOut(tem, { table: 'owner', by: 'id' }, channel, ownersOut, nowIso);
  });
}

/**
 * E-mails in SendGrid requests: up to 1,000 per request, and an address at most once in a
 * request (two patients sharing an address go in different requests).
 */
export function emailRequests<T extends { message: { to: string } }>(items: T[]): T[][] {
  const requests: { items: T[]; seen: Set<string> }[] = [];
  for (const item of items) {
    const key = item.message.to.toLowerCase();
    let target = requests.find((r) => r.items.length < SENDGRID_MAX_PERSONALIZATIONS && !r.seen.has(key));
    if (!target) {
      target = { items: [], seen: new Set() };
      requests.push(target);
    }
    target.items.push(item);
    target.seen.add(key);
  }
  return requests.map((r) => r.items);
}

/** Paces e-mail recipients at `rate` per second (0: unlimited). */
function pacer(rate: number, sleep: (ms: number) => Promise<void>) {
  let next = 0;
  return async (n: number) => {
    if (!rate) return;
    const now = Date.now();
    const at = Math.max(now, next);
    next = at + (n * 1000) / rate;
    if (at > now) await sleep(at - now);
  };
}
