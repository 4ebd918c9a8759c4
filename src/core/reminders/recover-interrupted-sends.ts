/**
 * The sweep at the start of `crm reminder send`: settles every reminder whose lease ran out
 * without an outcome (its runner was killed, lost its machine or hung), before anything is sent
 * again. What it does depends on how far the attempt got, which the message row says:
 *
 * - `pending` (claimed, the provider never called): the message ends `failed` (`not_sent`) and
 *   the reminder is due again, without that attempt counting;
 * - `sending` on Twilio (the call started, its answer never recorded): Twilio's message list is
 *   asked for a message to the same recipient with the same text since the call started. Found:
 *   recorded with its SID, the reminder `sent` — it is not sent again. Not found: the message ends
 *   `failed` (`not_sent`) and the reminder is due again. Twilio cannot be asked: the message is
 *   `unknown` (`lookup_failed`) and the next run asks again; nothing is re-sent meanwhile;
 * - `sending` on SendGrid: there is no lookup of sent mail, so the e-mail is assumed sent —
 *   the message `unknown` with that note, the reminder `sent`. A rare lost e-mail was chosen over
 *   a duplicate (docs/reminders.md, "After a crash").
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { askProviderAboutSends, assignFoundSends } from '../messaging/in-doubt-sends.js';
import { type SettledMessage, settleMessages } from '../messaging/message.sql.js';
import { type MessagingConfig, requireCredentials } from '../messaging/messaging.config.js';
import type { Messenger } from '../messaging/messenger.js';
import { classifyTwilioError } from '../messaging/providers.js';
import { TWILIO_STATUS } from '../messaging/sync-messages.js';
import type { Channel } from '../patients/patient.entity.js';
import type { Clock } from '../time.js';
import {
  type EndedLeaseRow,
  leaseForLookup,
  type SettledReminder,
  selectEndedLeases,
  settleReminders,
} from './reminder-recovery.sql.js';
import type { ReminderRunResult, RunSettings } from './reminder-run.js';

export const RECOVERY_NOTES = {
  notCalled: 'not sent: the runner stopped before calling the provider; the reminder is due again',
  notAtTwilio: 'not sent: the runner stopped during the call and Twilio has no such message; due again',
  foundAtTwilio: 'the runner stopped during the call; found at Twilio and recorded, not sent again',
  emailAssumed:
    'outcome unknown: the runner stopped during the SendGrid call, which cannot be looked up; assumed sent',
  neverEstablished: 'outcome of an interrupted send never established; the appointment is no longer ahead',
} as const;

const FINAL_SENT = new Set(['queued', 'sent', 'delivered']);

/** Settles reminders whose lease ended without an outcome; returns how many it settled. */
export async function recoverInterruptedSends(
  em: EntityManager,
  clock: Clock,
  config: MessagingConfig,
  messengerFor: (channels: Channel[]) => Promise<Messenger>,
  settings: RunSettings,
  result: ReminderRunResult,
): Promise<number> {
  let settled = 0;
  for (;;) {
    const { seen, lookups } = await em.transactional(async (t) => {
      const tem = t as EntityManager;
      const rows = await selectEndedLeases(tem, settings.batchSize);
      const lookups = rows.filter((r) => inDoubt(r) && r.channel !== 'email');
      // Like the claim: a channel without credentials stops the run before anything is written.
      requireCredentials(
        config,
        lookups.map((r) => r.channel!),
      );
      const nowIso = clock.now().toISO()!;
      const direct = rows.filter((r) => !lookups.includes(r)).map((r) => settleWithoutLookup(r, result));
      await settleMessages(
        tem,
        direct.flatMap((d) => d.message ?? []),
        nowIso,
      );
      await settleReminders(
        tem,
        direct.map((d) => d.reminder),
        nowIso,
      );
      await leaseForLookup(
        tem,
        lookups.map((r) => r.reminder_id),
        settings.runnerId,
        settings.leaseSeconds,
      );
      return { seen: rows.length, lookups };
    });
    if (lookups.length) {
      const messenger = await messengerFor([...new Set(lookups.map((r) => r.channel!))]);
      for (let i = 0; i < lookups.length; i += settings.concurrency)
        await lookUpAndSettle(em, clock, messenger, lookups.slice(i, i + settings.concurrency), result);
    }
    settled += seen;
    if (seen < settings.batchSize) return settled;
  }
}

/** The call started and no outcome was recorded (or a lookup of it failed before). */
const inDoubt = (r: EndedLeaseRow) => r.message_status === 'sending' || r.message_status === 'unknown';

/** A verdict that needs no provider: never called, an e-mail in doubt, or an outcome already recorded. */
function settleWithoutLookup(
  row: EndedLeaseRow,
  result: ReminderRunResult,
): { message?: SettledMessage; reminder: SettledReminder } {
  const reminder = (status: SettledReminder['status'], uncount = false, note: string | null = null) => ({
    id: row.reminder_id,
    status,
    note,
    uncount,
    keepEnded: false,
  });
  if (!row.message_id || row.message_status === 'pending') {
    return {
      message: row.message_id
        ? verdict(row, 'failed', 'not_sent', RECOVERY_NOTES.notCalled, false)
        : undefined,
      reminder: reminder('pending', true),
    };
  }
  if (inDoubt(row)) {
    result.sent++;
    return {
      message: verdict(row, 'unknown', 'interrupted', RECOVERY_NOTES.emailAssumed, true),
      reminder: reminder('sent', false, RECOVERY_NOTES.emailAssumed),
    };
  }
  // The message's outcome was recorded but the lease was not released (they commit together, so
  // only a hand edit gets here): follow the message.
  if (FINAL_SENT.has(row.message_status!)) {
    result.sent++;
    return { reminder: reminder('sent') };
  }
  return { reminder: reminder('pending') };
}

function verdict(
  row: EndedLeaseRow,
  status: SettledMessage['status'],
  errorCode: string | null,
  errorMessage: string,
  wentOut: boolean,
  providerMessageId: string | null = null,
): SettledMessage {
  return {
    messageId: row.message_id!,
    status,
    providerMessageId,
    errorCode,
    errorMessage,
    wentOut,
    // Only a `sending` row's call has not been counted yet (a lookup that failed counted it).
    called: row.message_status === 'sending',
  };
}

/** Asks Twilio about a group of sends in doubt and records what it says, in one transaction. */
async function lookUpAndSettle(
  em: EntityManager,
  clock: Clock,
  messenger: Messenger,
  rows: EndedLeaseRow[],
  result: ReminderRunResult,
): Promise<void> {
  const answers = await askProviderAboutSends(messenger, rows, (row) => ({
    message: { channel: row.channel!, to: row.recipient!, body: row.body!, contentSid: row.content_sid },
    startedAt: new Date(row.send_started_at!),
  }));
  const now = clock.now();
  await em.transactional(async (t) => {
    const tem = t as EntityManager;
    const messages: SettledMessage[] = [];
    const reminders: SettledReminder[] = [];
    for (const answer of await assignFoundSends(tem, answers)) {
      const { row } = answer;
      const settle = (status: SettledReminder['status'], note: string | null, keepEnded = false) =>
        reminders.push({ id: row.reminder_id, status, note, uncount: false, keepEnded });
      if ('match' in answer) {
        const { match } = answer;
        const status = TWILIO_STATUS[match.status] ?? 'queued';
        messages.push(
          verdict(row, status, null, RECOVERY_NOTES.foundAtTwilio, true, match.providerMessageId),
        );
        settle('sent', null);
        result.sent++;
        continue;
      }
      if ('notFound' in answer) {
        messages.push(verdict(row, 'failed', 'not_sent', RECOVERY_NOTES.notAtTwilio, false));
        settle('pending', null);
        continue;
      }
      const e = classifyTwilioError(answer.error);
      const reason = `outcome unknown: Twilio lookup failed (${e.errorCode}: ${e.errorMessage}); asked again by the next run`;
      messages.push(verdict(row, 'unknown', 'lookup_failed', reason, false));
      const startsAt = DateTime.fromJSDate(new Date(row.starts_at));
      const on = row.appointment_status === 'scheduled' || row.appointment_status === 'confirmed';
      if (!on || startsAt <= now) {
        settle(on ? 'expired' : 'cancelled', RECOVERY_NOTES.neverEstablished);
        result.expired++;
      } else {
        settle('pending', reason.slice(0, 500), true);
        result.retrying++;
      }
    }
    const nowIso = now.toISO()!;
    await settleMessages(tem, messages, nowIso);
    await settleReminders(tem, reminders, nowIso);
  });
}
