import type { EntityManager } from '@mikro-orm/postgresql';
import type { DateTime } from 'luxon';
import { query, queryOne } from '../db/sql.js';

/**
 * The next appointment code from the `appointment_code_seq` sequence (`AP-000001`, …). Taken
 * right before the appointment is inserted, after its checks passed, as the INSERT did before.
 */
export async function nextAppointmentCode(em: EntityManager): Promise<string> {
  const row = await queryOne<{ code: string }>(
    em,
    `select 'AP-' || lpad(nextval('appointment_code_seq')::text, 6, '0') as code`,
  );
  return row!.code;
}

/** An appointment's reminder as its view shows it. */
export interface ReminderRow {
  kind: string;
  due_at: Date | string;
  status: string;
  attempts: number;
}

/** The reminders of one appointment (the reminder table belongs to messaging), oldest plan first. */
export function remindersOf(em: EntityManager, appointmentId: string): Promise<ReminderRow[]> {
  return query<ReminderRow>(
    em,
    'select kind, due_at, status, attempts from reminder where appointment_id = $1 order by created_at, due_at',
    [appointmentId],
  );
}

/** Inserts the planned reminders of an appointment in one statement (pending, due as planned). */
export async function insertReminders(
  em: EntityManager,
  appointmentId: string,
  plan: readonly { kind: string; dueAt: DateTime }[],
  now: DateTime,
): Promise<void> {
  if (plan.length === 0) return;
  await query(
    em,
    `insert into reminder (appointment_id, kind, due_at, next_attempt_at, created_at, updated_at)
     select $1, k, d, d, $4::timestamptz, $4::timestamptz from unnest($2::text[], $3::timestamptz[]) as t(k, d)`,
    [appointmentId, plan.map((p) => p.kind), plan.map((p) => p.dueAt.toISO()), now.toISO()],
  );
}

/** Cancels every pending reminder of an appointment (and drops runners' claims on them). */
export async function cancelPendingReminders(
  em: EntityManager,
  appointmentId: string,
  now: string,
): Promise<void> {
  await query(
    em,
    `update reminder set status = 'cancelled', claimed_by = null, claimed_until = null, updated_at = $2::timestamptz
     where appointment_id = $1 and status = 'pending'`,
    [appointmentId, now],
  );
}

/**
 * Moves the patient's last visit forward to `visitAt` (never back: an older appointment completed
 * late leaves a newer last visit as it is), in one statement without reading the patient.
 */
export async function recordPatientVisit(
  em: EntityManager,
  patientId: string,
  visitAt: string,
  now: string,
): Promise<void> {
  await query(
    em,
    `update patient set last_visit_at = greatest(coalesce(last_visit_at, $2::timestamptz), $2::timestamptz),
       updated_at = $3::timestamptz where id = $1`,
    [patientId, visitAt, now],
  );
}
