import type { ServiceContext } from '../context.js';
import type { Channel } from '../patients/patient.entity.js';
import { Message } from './message.entity.js';
import { syncOwnerCommunicationStatuses } from './message.sql.js';
import type { MessageStatus } from './message.types.js';
import type { Messenger } from './messenger.js';

export interface SyncResult {
  checked: number;
  updated: number;
  /** E-mails cannot be fetched from SendGrid (it reports by event webhook). */
  skipped: number;
  failed: number;
  byStatus: Record<string, number>;
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
  const result: SyncResult = { checked: 0, updated: 0, skipped: 0, failed: 0, byStatus: {} };
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
  return result;
}
