import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../db/sql.js';

export interface ReminderOutcome {
  id: string;
  status: 'sent' | 'pending' | 'failed';
  error: string | null;
  /** The next attempt's time, for a reminder back to `pending`. */
  nextAttemptAt: string | null;
}

/**
 * Records the outcomes of a group of sent reminders in one statement: sent, failed, or back to
 * pending with a later attempt; the lease is released. Only reminders still `pending` are touched
 * (`where r.status = 'pending'`): a guard a per-entity flush could not express. Kept set-based
 * because it runs once per group of concurrent sends on the runners' hot path.
 */
export async function recordReminderOutcomes(
  em: EntityManager,
  outcomes: ReminderOutcome[],
  now: string,
): Promise<void> {
  await query(
    em,
    `update reminder r set status = t.status, last_error = t.error,
       next_attempt_at = coalesce(t.next_at, r.next_attempt_at),
       sent_at = case when t.status = 'sent' then $5::timestamptz else r.sent_at end,
       claimed_by = null, claimed_until = null, updated_at = $5::timestamptz
     from unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[]) as t(id, status, error, next_at)
     where r.id = t.id and r.status = 'pending'`,
    [
      outcomes.map((o) => o.id),
      outcomes.map((o) => o.status),
      outcomes.map((o) => o.error),
      outcomes.map((o) => o.nextAttemptAt),
      now,
    ],
  );
}
