import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import type { Channel } from '../patients/patient.entity.js';
import { Message } from './message.entity.js';
import { syncOwnerCommunicationStatuses } from './message.sql.js';
import type { MessageStatus } from './message.types.js';
import type { Messenger } from './messenger.js';
import { applyOptOutReplies } from './opt-out-replies.js';

export interface SyncResult {
  checked: number;
  updated: number;
  /** E-mails cannot be fetched from SendGrid (it reports by event webhook). */
  skipped: number;
  failed: number;
  byStatus: Record<string, number>;
  /** Opt-out replies (STOP…) read from the provider, and patients they newly opted out. */
  optOutReplies: number;
  optedOut: number;
  /** Owners the opt-out replies newly opted out (owners receive `all-owners` campaigns). */
  ownersOptedOut: number;
}

/** Our message status for each Twilio message status. */
export const TWILIO_STATUS: Record<string, MessageStatus> = {
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

const FLUSH_EVERY = 100;

/**
 * Fetches delivery statuses from the provider for recent messages that are not final yet
 * (queued/sent) and records what changed: asynchronous failures such as WhatsApp 63016 show up
 * here. Changes are flushed every FLUSH_EVERY messages: a flush looks at every message loaded, so
 * one per message would grow with the square of the list; a crash in between only means those
 * statuses are fetched again by the next sync.
 */
async function twilioMessengerIfConfigured(
  factory: Messenger | ((channels: Channel[]) => Promise<Messenger>),
): Promise<Messenger | undefined> {
  if (typeof factory !== 'function') return factory;
  try {
    return await factory(['sms']);
  } catch {
    return undefined; // no Twilio credentials: nothing to read
  }
}

export async function syncMessages(
  ctx: ServiceContext,
  messengerOrFactory: Messenger | ((channels: Channel[]) => Promise<Messenger>),
  { sinceHours = 72, limit = 1000 }: { sinceHours?: number; limit?: number } = {},
): Promise<SyncResult> {
  const { em, clock } = ctx;
  const open = await em.find(
    Message,
    {
      status: { $in: ['queued', 'sent'] },
      providerMessageId: { $ne: null },
      createdAt: { $gte: clock.now().minus({ hours: sinceHours }).toJSDate() },
    },
    { orderBy: { createdAt: 'asc' }, limit },
  );
  const result: SyncResult = {
    checked: 0,
    updated: 0,
    skipped: 0,
    failed: 0,
    byStatus: {},
    optOutReplies: 0,
    optedOut: 0,
    ownersOptedOut: 0,
  };
  // Only the channels that have messages to sync need their provider (and its credentials): SMS
  // and e-mail set up without WhatsApp is not an error here.
  const channels = [...new Set(open.map((m) => m.channel).filter((c) => c !== 'email'))];
  const messenger =
    typeof messengerOrFactory === 'function'
      ? channels.length > 0
        ? await messengerOrFactory(channels)
        : undefined
      : messengerOrFactory;
  for (const message of open) {
    if (message.channel === 'email') {
      result.skipped++;
      continue;
    }
    let remote: Awaited<ReturnType<Messenger['fetchStatus']>>;
    try {
      remote = await messenger!.fetchStatus(message.channel, message.providerMessageId!);
    } catch {
      result.failed++;
      continue;
    }
    result.checked++;
    if (!remote) continue;
    const status = TWILIO_STATUS[remote.status] ?? message.status;
    result.byStatus[status] = (result.byStatus[status] ?? 0) + 1;
    const now = clock.now().toJSDate();
    if (status !== message.status || remote.errorCode) {
      message.status = status;
      if (remote.errorCode != null) message.errorCode = remote.errorCode;
      if (remote.errorMessage != null) message.errorMessage = remote.errorMessage;
      message.updatedAt = now;
      result.updated++;
    }
    message.statusCheckedAt = now;
    if (result.checked % FLUSH_EVERY === 0) await em.flush();
  }
  await em.flush();
  await syncOwnerCommunicationStatuses(em);
  // Replies: STOP and its equivalents opt the patient or owner out of the channel they wrote on.
  const since = clock.now().minus({ hours: sinceHours }).toJSDate();
  let replies: Awaited<ReturnType<Messenger['listInbound']>> = [];
  // Replies come through Twilio: without SMS/WhatsApp messages to sync the messenger was not made
  // yet, and without Twilio credentials there is no number anyone could have replied to.
  const inbound = messenger ?? (await twilioMessengerIfConfigured(messengerOrFactory));
  try {
    if (inbound) replies = await inbound.listInbound(since);
  } catch {
    result.failed++;
  }
  if (replies.length) {
    const applied = await em.transactional(async (t) => {
      const r = await applyOptOutReplies(t as never, replies, clock.now().toISO()!);
      if (r.optOuts)
        await recordAudit(t as never, ctx.actor, 'patient', null, {
          action: 'opt-out by reply',
          replies: r.replies,
          optedOut: r.optOuts,
        });
      if (r.ownerOptOuts)
        await recordAudit(t as never, ctx.actor, 'owner', null, {
          action: 'opt-out by reply',
          replies: r.replies,
          optedOut: r.ownerOptOuts,
        });
      return r;
    });
    result.optOutReplies = applied.replies;
    result.optedOut = applied.optOuts;
    result.ownersOptedOut = applied.ownerOptOuts;
  }
  return result;
}
