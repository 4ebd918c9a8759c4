import type { EntityManager } from '@mikro-orm/postgresql';
import { recordOutcomes } from '../messaging/message.sql.js';
import type { Clock } from '../time.js';
import { type ReminderOutcome, recordReminderOutcomes } from './reminder-outcome.sql.js';
import type { ReminderRunResult } from './reminder-run.js';
import type { SentReminder } from './send-reminder.js';

/** Retry waits between runs: 1, 2, 4, 8 minutes… (capped at 1 h) with ±25 % jitter. */
export function retryDelaySeconds(attempt: number): number {
  const base = Math.min(3600, 60 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

/**
 * RECORD, one transaction per group of sends: the messages' outcomes, and each reminder sent,
 * failed for good, or back to pending for a later attempt (transient errors, while attempts are
 * left). Counts them in `result`. A send whose outcome is in doubt (the provider may have taken
 * it, and could not be asked) is not recorded: its message stays `sending` and its reminder
 * leased, so that the recovery sweep of a run after the lease asks the provider again (counted
 * as retrying).
 */
export async function recordReminderGroup(
  em: EntityManager,
  clock: Clock,
  sends: SentReminder[],
  maxAttempts: number,
  result: ReminderRunResult,
): Promise<void> {
  const done = sends.filter((s) => s.outcome.ok || !s.outcome.inDoubt);
  result.retrying += sends.length - done.length;
  if (done.length === 0) return;
  const now = clock.now();
  const nowIso = now.toISO()!;
  const reminders: ReminderOutcome[] = done.map(({ claim, outcome }) => {
    if (outcome.ok) {
      result.sent++;
      return { id: claim.reminderId, status: 'sent', error: null, nextAttemptAt: null };
    }
    const error = `${outcome.errorCode}: ${outcome.errorMessage}`.slice(0, 500);
    if (outcome.transient && claim.attempts < maxAttempts) {
      result.retrying++;
      const nextAttemptAt = now.plus({ seconds: retryDelaySeconds(claim.attempts) }).toISO();
      return { id: claim.reminderId, status: 'pending', error, nextAttemptAt };
    }
    result.failed++;
    return { id: claim.reminderId, status: 'failed', error, nextAttemptAt: null };
  });
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
    await recordReminderOutcomes(tem, reminders, nowIso);
  });
}
