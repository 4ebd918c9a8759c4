import type { EntityManager } from '@mikro-orm/postgresql';
import type { DateTime } from 'luxon';
import { insertPendingMessages } from '../messaging/message.sql.js';
import type { PendingMessage } from '../messaging/message.types.js';
import { type MessagingConfig, requireCredentials } from '../messaging/messaging.config.js';
import type { TemplateVariant } from '../messaging/template.js';
import { type Decision, decide } from './decide-reminder.js';
import { closeReminders, deferReminders, leaseReminders, selectDueReminders } from './reminder-claim.sql.js';
import type { ReminderRunResult, RunSettings } from './reminder-run.js';

/** A reminder this runner holds a lease on, with its `pending` message row. */
export interface ClaimedReminder {
  reminderId: string;
  messageId: string;
  /** Attempts including this one. */
  attempts: number;
  message: PendingMessage;
}

/**
 * CLAIM, one transaction per batch: locks up to `size` due reminders (SKIP LOCKED), decides each,
 * closes the expired/cancelled/failed ones, defers those in quiet hours, and for the ones to send
 * inserts their `pending` message rows and takes a lease. Counts what it closed and deferred in
 * `result`; returns the claimed reminders and how many due rows it saw.
 */
export async function claimReminders(
  em: EntityManager,
  now: DateTime,
  config: MessagingConfig,
  variants: TemplateVariant[],
  settings: RunSettings,
  size: number,
  result: ReminderRunResult,
): Promise<{ claimed: ClaimedReminder[]; seen: number }> {
  return em.transactional(async (t) => {
    const tem = t as EntityManager;
    const nowIso = now.toISO()!;
    const rows = await selectDueReminders(tem, nowIso, size, { lock: true });
    const decisions = rows.map((row) => decide(row, now, config, variants, settings.maxAttempts));
    const toSend = decisions.filter((d) => d.action === 'send');
    // Before anything is written: a channel without credentials stops the run (exit 7).
    requireCredentials(
      config,
      toSend.map((d) => d.message!.channel),
    );
    const closing = (action: Decision['action']) =>
      decisions.filter((d) => d.action === action).map((d) => ({ id: d.row.id, reason: d.reason ?? null }));
    await closeReminders(tem, 'expired', closing('expire'), nowIso);
    await closeReminders(tem, 'cancelled', closing('cancel'), nowIso);
    await closeReminders(tem, 'failed', closing('fail'), nowIso);
    await deferReminders(
      tem,
      decisions
        .filter((d) => d.action === 'defer')
        .map((d) => ({ id: d.row.id, until: d.deferUntil!.toISO()! })),
      nowIso,
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
    await leaseReminders(
      tem,
      toSend.map((d, i) => ({ id: d.row.id, messageId: messageIds[i] })),
      settings.runnerId,
      settings.leaseSeconds,
      nowIso,
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
