/**
 * `crm campaign send`: snapshots the audience (start-campaign-send.ts), then sends to it in
 * batches until nobody is left, from any number of senders at once:
 *
 * 0. RECOVER: recipients whose claim's lease ran out without an outcome are settled first
 *    (recover-campaign-sends.ts) — looked up at Twilio rather than sent again.
 * 1. CLAIM (one transaction per batch): pending recipients, `FOR UPDATE SKIP LOCKED`, under a
 *    lease; an opt-out or withdrawn consent since the snapshot is honoured here (skipped).
 * 2. START (one transaction per group): the group's `messages` rows, already `sending`, committed
 *    before the provider calls; SMS/WhatsApp in groups of `concurrency` calls, e-mail in SendGrid
 *    requests of up to 1,000 personalizations (no address twice in one request).
 * 3. RECORD (one transaction per group): messages and recipients, set-based — pipelined as the
 *    reminder runner does: while one group's outcomes are being committed, the next group is
 *    started and goes on the wire (its START still commits before its calls).
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
import { recordOutcomes, type SettledMessage, settleMessages } from '../messaging/message.sql.js';
import { type MessagingConfig, requireCredentials } from '../messaging/messaging.config.js';
import type { Messenger, SendOutcome } from '../messaging/messenger.js';
import { SENDGRID_MAX_PERSONALIZATIONS } from '../messaging/providers.js';
import { quietPeriodEnd } from '../messaging/quiet-hours.js';
import type { Channel } from '../patients/patient.entity.js';
import type { Campaign } from './campaign.entity.js';
import { decideRecipient } from './campaign-render.js';
import {
  claimRecipients,
  type GroupMessage,
  type RecipientOutcome,
  recordRecipientOutcomes,
  refreshCounters,
  releaseRecipients,
  skipRecipients,
  startGroup,
} from './campaign-send.sql.js';
import { recoverCampaignSends } from './recover-campaign-sends.js';
import { startCampaignSend } from './start-campaign-send.js';

export interface CampaignSendOptions {
  /** Share of the audience held out at the first send, in basis points (5% = 500). */
  holdoutBps?: number;
  /** Recipients claimed per transaction (default: config, 500). */
  batchSize?: number;
  /** SMS/WhatsApp calls in flight at once, and so the size of an outcome commit (default 50). */
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

const EMAIL_REQUESTS_PER_CLAIM = 4;

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
  // E-mail claims several SendGrid requests' worth at once, so that one request's outcomes are
  // committed while the next request is started and sent (the pipeline works within a claim).
  const batchSize =
    options.batchSize ??
    (campaign.channel === 'email'
      ? EMAIL_REQUESTS_PER_CLAIM * SENDGRID_MAX_PERSONALIZATIONS
      : settings.batchSize);
  const concurrency = options.concurrency ?? 50;
  const channel = campaign.channel;
  // A re-run on a campaign already sending: no claim without credentials (exit 7).
  if (campaign.status === 'sending') requireCredentials(messaging, [channel]);
  let messenger: Messenger | undefined;
  const messengerOf = async () => {
    messenger ??= await messengerFor([channel]);
    return messenger;
  };
  const window: boolean[] = [];
  const pace = pacer(channel === 'email' ? messaging.ratePerSecond.email : 0, sleep);
  let quietUntil: DateTime | undefined;
  let pauseReason: string | null = null;
  let done = 0;
  const total = campaign.audienceCount;
  while (campaign.status === 'sending') {
    const status = await currentStatus(ctx.em, campaign.id);
    if (status !== 'sending') break;
    if (channel !== 'email') {
      quietUntil = quietPeriodEnd(ctx.clock.now(), messaging.quietHours);
      if (quietUntil) break;
    }
    await recoverCampaignSends(
      ctx.em,
      ctx.clock,
      campaign.id,
      async () => messengerOf(),
      runnerId,
      settings.leaseSeconds,
    );
    const claimed = await ctx.em.transactional(async (t) => {
      const tem = t as EntityManager;
      const rows = await claimRecipients(tem, campaign.id, runnerId, batchSize, settings.leaseSeconds);
      const skips: { id: string; reason: string }[] = [];
      const toSend: { message: GroupMessage; contentVariables: Record<string, string> | null }[] = [];
      for (const row of rows) {
        const d = decideRecipient(campaign, row);
        if ('skip' in d) skips.push({ id: row.id, reason: d.skip });
        else toSend.push(d);
      }
      await skipRecipients(tem, skips);
      done += skips.length;
      return toSend;
    });
    if (claimed.length === 0) {
      // Nothing pending: finished, unless other senders still hold claims (wait for them or for
      // their leases to end, then settle what they left).
      const left = await query<{ n: number }>(
        ctx.em,
        `select count(*)::int as n from campaign_recipients where campaign_id = $1 and status in ('pending', 'sending')`,
        [campaign.id],
      );
      if ((left[0]?.n ?? 0) === 0) {
        await query(
          ctx.em,
          `update campaign set status = 'completed', updated_at = $2::timestamptz where id = $1 and status = 'sending'`,
          [campaign.id, ctx.clock.now().toISO()],
        );
        break;
      }
      await sleep(200);
      continue;
    }
    const sender = await messengerOf();
    // The previous group's outcomes, being committed while this group is started and sent.
    let recording: Promise<void> = Promise.resolve();
    const groups = channel === 'email' ? emailRequests(claimed) : chunks(claimed, concurrency);
    for (let g = 0; g < groups.length; g++) {
      if (g > 0 && channel !== 'email' && quietPeriodEnd(ctx.clock.now(), messaging.quietHours)) {
        await recording;
        quietUntil = quietPeriodEnd(ctx.clock.now(), messaging.quietHours);
        await ctx.em.transactional((t) =>
          releaseRecipients(
            t as EntityManager,
            groups
              .slice(g)
              .flat()
              .map((c) => c.message.recipientId),
            runnerId,
          ),
        );
        break;
      }
      const group = groups[g];
      const started = await ctx.em.transactional((t) =>
        startGroup(
          t as EntityManager,
          group.map((c) => c.message),
          runnerId,
          ctx.clock.now().toISO()!,
        ),
      );
      const live = group.filter((c) => started.has(c.message.recipientId));
      let outcomes: { c: (typeof live)[number]; outcome: SendOutcome }[];
      if (channel === 'email') {
        await pace(live.length);
        const outcome = live.length
          ? await sender.sendEmailBatch(
              live.map((c) => ({ to: c.message.to, subject: c.message.subject ?? '', body: c.message.body })),
            )
          : undefined;
        outcomes = live.map((c) => ({ c, outcome: outcome! }));
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
      recording = recordGroup(
        ctx,
        outcomes.map((o) => ({ ...o, messageId: started.get(o.c.message.recipientId)! })),
      );
      // Awaited before the next commit of outcomes; a failure must not count as unhandled meanwhile.
      recording.catch(() => {});
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
        await ctx.em.transactional((t) =>
          releaseRecipients(
            t as EntityManager,
            groups
              .slice(g + 1)
              .flat()
              .map((c) => c.message.recipientId),
            runnerId,
          ),
        );
        break;
      }
    }
    await recording;
    if (pauseReason || quietUntil) break;
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

/** Records a group's outcomes: messages and recipients, in one transaction. */
async function recordGroup(
  ctx: ServiceContext,
  sent: { c: { message: GroupMessage }; outcome: SendOutcome; messageId: string }[],
): Promise<void> {
  const nowIso = ctx.clock.now().toISO()!;
  await ctx.em.transactional(async (t) => {
    const tem = t as EntityManager;
    const known = sent.filter((s) => s.outcome.ok || !s.outcome.inDoubt);
    const doubtful = sent.filter((s) => !s.outcome.ok && s.outcome.inDoubt);
    await recordOutcomes(
      tem,
      known.map((s) => ({
        messageId: s.messageId,
        outcome: s.outcome,
        channel: s.c.message.channel,
        patientId: s.c.message.patientId,
      })),
      nowIso,
    );
    await settleMessages(
      tem,
      doubtful.map(
        (s): SettledMessage => ({
          messageId: s.messageId,
          status: 'unknown',
          providerMessageId: null,
          errorCode: s.outcome.ok ? null : s.outcome.errorCode,
          errorMessage: `outcome unknown: ${s.outcome.ok ? '' : s.outcome.errorMessage}; not sent again`,
          wentOut: true,
          called: true,
        }),
      ),
      nowIso,
    );
    const outcomes: RecipientOutcome[] = sent.map(({ c, outcome }) => {
      if (outcome.ok) return { id: c.message.recipientId, status: 'sent', retryable: false, reason: null };
      if (outcome.inDoubt)
        return { id: c.message.recipientId, status: 'unknown', retryable: false, reason: outcome.errorCode };
      return {
        id: c.message.recipientId,
        status: 'failed',
        retryable: outcome.transient,
        reason: outcome.errorCode,
      };
    });
    await recordRecipientOutcomes(tem, outcomes);
  });
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
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
