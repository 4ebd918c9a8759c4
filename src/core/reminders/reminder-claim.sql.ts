/**
 * The reminder work queue, set-based: several runners (cron on several machines) claim due
 * reminders concurrently, so the claim is one `FOR UPDATE SKIP LOCKED` statement per batch (each
 * runner takes rows no other runner holds, without waiting), and the claimed batch is closed,
 * deferred or leased with one statement per action. Kept as SQL rather than entities on purpose:
 * this is the runners' hot path, and entities would mean loading and flushing every reminder
 * (one change set each, and the claim's four-table join hydrated into entities) where one
 * statement per batch does the work.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { planEachQueryAfresh, query } from '../db/sql.js';
import type { Channel } from '../patients/patient.entity.js';

/** A due reminder with everything choosing a channel and rendering the text needs. */
export interface DueReminderRow {
  id: string;
  appointment_id: string;
  /** The appointment's human code (AP-000123), for people reading a dry run. */
  appointment_code: string;
  kind: string;
  attempts: number;
  status: string;
  starts_at: Date | string;
  first_name: string;
  last_name: string;
  phone: string | null;
  email: string | null;
  preferred_channel: Channel;
  preferred_language: string;
  opted_out_sms: boolean;
  opted_out_whatsapp: boolean;
  opted_out_email: boolean;
  patient_id: string;
  doctor_name: string;
  hospital_name: string;
}

/**
 * Due reminders (pending, `next_attempt_at` reached, not leased), oldest first, at most
 * `limit`, with their appointment, patient, doctor and hospital. The queue is read through its
 * own index first (with the row locks when `lock`: FOR UPDATE SKIP LOCKED), then joined: joining
 * before the LIMIT would sort every due row. A reminder whose lease ran out is not taken here: its
 * last attempt's outcome is settled first (recover-interrupted-sends.ts), so that a message that
 * went out is not sent again.
 */
export function selectDueReminders(
  em: EntityManager,
  now: string,
  limit: number,
  { lock }: { lock: boolean },
): Promise<DueReminderRow[]> {
  return query<DueReminderRow>(
    em,
    `with due as (
      select r.id from reminder r
      where r.status = 'pending' and r.next_attempt_at <= $1::timestamptz
        and r.claimed_until is null
      order by r.next_attempt_at
      limit $2${lock ? ' for update skip locked' : ''})
    select r.id, r.appointment_id, a.code as appointment_code, r.kind, r.attempts, a.status, a.starts_at,
      p.id as patient_id, p.first_name, p.last_name, p.phone, p.email, p.preferred_channel, p.preferred_language,
      p.opted_out_sms, p.opted_out_whatsapp, p.opted_out_email, d.name as doctor_name, h.name as hospital_name
    from due join reminder r on r.id = due.id join appointment a on a.id = r.appointment_id
    join patient p on p.id = a.patient_id join doctor d on d.id = a.doctor_id join hospital h on h.id = a.hospital_id
    order by r.next_attempt_at`,
    [now, limit],
  );
}

/** Closes claimed reminders for good (`expired`, `cancelled`, `failed`), each with its reason. */
export async function closeReminders(
  em: EntityManager,
  status: 'expired' | 'cancelled' | 'failed',
  closing: { id: string; reason: string | null }[],
  now: string,
): Promise<void> {
  if (!closing.length) return;
  await query(
    em,
    `update reminder r set status = $2, last_error = t.reason, claimed_by = null, claimed_until = null,
       updated_at = $3::timestamptz
     from unnest($1::uuid[], $4::text[]) as t(id, reason) where r.id = t.id`,
    [closing.map((c) => c.id), status, now, closing.map((c) => c.reason)],
  );
}

/** Moves claimed reminders' next attempt to a later time each (the end of quiet hours). */
export async function deferReminders(
  em: EntityManager,
  deferring: { id: string; until: string }[],
  now: string,
): Promise<void> {
  if (!deferring.length) return;
  await query(
    em,
    `update reminder r set next_attempt_at = t.at, updated_at = $2::timestamptz
     from unnest($1::uuid[], $3::timestamptz[]) as t(id, at) where r.id = t.id`,
    [deferring.map((d) => d.id), now, deferring.map((d) => d.until)],
  );
}

/**
 * Leases claimed reminders to this runner while their messages go out: one more attempt, the
 * message row, and `claimed_until` a lease from the database's clock (so runners on machines
 * whose clocks differ agree on when it runs out).
 */
export async function leaseReminders(
  em: EntityManager,
  leasing: { id: string; messageId: string }[],
  runnerId: string,
  leaseSeconds: number,
  now: string,
): Promise<void> {
  if (!leasing.length) return;
  // reminder.message_id references the `messages` this run is filling.
  await planEachQueryAfresh(em);
  await query(
    em,
    `update reminder r set attempts = r.attempts + 1, claimed_by = $3,
       claimed_until = clock_timestamp() + make_interval(secs => $4), message_id = t.message_id,
       updated_at = $5::timestamptz
     from unnest($1::uuid[], $2::uuid[]) as t(id, message_id) where r.id = t.id`,
    [leasing.map((l) => l.id), leasing.map((l) => l.messageId), runnerId, leaseSeconds, now],
  );
}
