/**
 * `crm reminder send`: the cron job that sends due reminders exactly once across any number of
 * concurrent runners.
 *
 * 0. RECOVER (recover-interrupted-sends.ts): reminders whose lease ran out without an outcome
 *    (a runner died) are settled first; a send whose outcome is unknown is looked up at Twilio
 *    rather than sent again.
 * 1. CLAIM (one transaction per batch, claim-reminders.ts): due pending reminders are locked with
 *    `FOR UPDATE SKIP LOCKED`, the appointment is re-checked, quiet hours applied, the channel
 *    chosen and the text rendered; for each one to send a `messages` row is inserted (`pending`)
 *    and the reminder gets a lease (`claimed_by`, `claimed_until`). Other runners skip leased rows.
 * 2. SEND (send-reminder.ts): after that commit, in groups of `concurrency`: the group's rows are
 *    marked `sending` (committed), then each message goes to the provider (with retries of
 *    transient errors).
 * 3. RECORD (record-reminder-outcomes.ts): outcomes are committed in small groups (one per
 *    `concurrency` sends): sent, failed, or back to pending with a later `next_attempt_at`
 *    (transient, up to 5 attempts).
 *
 * A runner that dies between 2 and 3 leaves leased reminders whose message rows are `pending`
 * (never sent) or `sending` (outcome unknown); step 0 of a later run settles them once the lease
 * has run out (docs/reminders.md, "After a crash").
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ServiceContext } from '../context.js';
import { ValidationError } from '../errors.js';
import { knownProviderIds, markSendStarted } from '../messaging/message.sql.js';
import type { MessagingConfig } from '../messaging/messaging.config.js';
import type { Messenger } from '../messaging/messenger.js';
import { loadTemplate } from '../messaging/template.queries.js';
import type { Channel } from '../patients/patient.entity.js';
import type { Clock } from '../time.js';
import { type ClaimedReminder, claimReminders } from './claim-reminders.js';
import { recordReminderGroup } from './record-reminder-outcomes.js';
import { recoverInterruptedSends } from './recover-interrupted-sends.js';
import {
  emptyResult,
  type MessengerFactory,
  type ReminderRunOptions,
  type ReminderRunResult,
  runSettings,
} from './reminder-run.js';
import { sendReminder } from './send-reminder.js';

/** Claims, sends and records due reminders until none are left (or `limit` is reached). */
export async function sendDueReminders(
  ctx: ServiceContext,
  messaging: MessagingConfig,
  messengerFor: MessengerFactory,
  options: ReminderRunOptions = {},
): Promise<ReminderRunResult> {
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 1))
    throw new ValidationError('limit', options.limit, 'expected a whole number ≥ 1');
  const settings = runSettings(options);
  const result = emptyResult();
  const variants = await loadTemplate(ctx.em, 'reminder');
  let remaining = options.limit ?? Number.POSITIVE_INFINITY;
  // One messenger for the run, rebuilt when a channel not loaded yet is needed.
  let messenger: Messenger | undefined;
  const channelsLoaded = new Set<Channel>();
  const messengerOf = async (channels: Channel[]): Promise<Messenger> => {
    const needed = channels.filter((c) => !channelsLoaded.has(c));
    if (!messenger || needed.length) {
      for (const c of needed) channelsLoaded.add(c);
      messenger = await messengerFor([...channelsLoaded]);
    }
    return messenger;
  };
  await recoverInterruptedSends(ctx.em, ctx.clock, messaging, messengerOf, settings, result);
  while (remaining > 0) {
    const now = ctx.clock.now();
    const size = Math.min(settings.batchSize, remaining);
    const { claimed, seen } = await claimReminders(ctx.em, now, messaging, variants, settings, size, result);
    if (seen === 0) break;
    remaining -= seen;
    if (claimed.length) {
      const sender = await messengerOf(claimed.map((c) => c.message.channel));
      await sendAndRecord(ctx.em, ctx.clock, sender, claimed, settings, result);
    }
    options.onProgress?.(result);
    if (seen < Math.min(settings.batchSize, remaining + seen)) break;
  }
  return result;
}

/**
 * Sends a claimed batch in groups of `concurrency` and records each group's outcomes, pipelined:
 * while one group's outcomes are being committed, the next group is marked `sending` and goes on
 * the wire. The mark is committed before the group's calls and not earlier, so that a row marked
 * `sending` is one whose call may really have started (the e-mail rule of the sweep relies on it).
 */
async function sendAndRecord(
  em: EntityManager,
  clock: Clock,
  messenger: Messenger,
  claimed: ClaimedReminder[],
  settings: { concurrency: number; maxAttempts: number },
  result: ReminderRunResult,
): Promise<void> {
  let recording: Promise<void> = Promise.resolve();
  // Provider ids found by lookups in this batch, and those other messages hold: a lookup after a
  // try in doubt takes a message nobody holds (the same text can go to one number twice).
  const takenHere = new Set<string>();
  const isTaken = async (id: string) => {
    if (takenHere.has(id)) return true;
    takenHere.add(id); // before the query: two lookups at once must not both take it
    return (await knownProviderIds(em, [id])).has(id);
  };
  for (let i = 0; i < claimed.length; i += settings.concurrency) {
    const slice = claimed.slice(i, i + settings.concurrency);
    const marked = await markSendStarted(
      em,
      slice.map((c) => c.messageId),
      clock.now().toISO()!,
    );
    const group = slice.filter((c) => marked.has(c.messageId));
    const sent = await Promise.all(group.map((claim) => sendReminder(messenger, claim, isTaken)));
    await recording;
    recording = recordReminderGroup(em, clock, sent, settings.maxAttempts, result);
    // Awaited before the next commit; a failure must not count as unhandled meanwhile.
    recording.catch(() => {});
  }
  await recording;
}
