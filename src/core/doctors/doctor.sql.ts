import type { EntityManager } from '@mikro-orm/postgresql';
import { query, queryOne } from '../db/sql.js';

/**
 * The next free doctor code from the `doctor_code_seq` sequence (`DR-0001`, `DR-0002`, …). Taken
 * only when the operator gives no code, as the INSERT's `coalesce` did before.
 */
export async function nextDoctorCode(em: EntityManager): Promise<string> {
  const row = await queryOne<{ code: string }>(
    em,
    `select 'DR-' || lpad(nextval('doctor_code_seq')::text, 4, '0') as code`,
  );
  return row!.code;
}

/**
 * Records the doctor off on every day from `from` to `to` (inclusive): one row per day in one
 * statement; a day already off keeps its row, and takes the new reason when one is given.
 */
export async function insertTimeOffDays(
  em: EntityManager,
  doctorId: string,
  from: string,
  to: string,
  reason: string | null,
): Promise<void> {
  await query(
    em,
    `insert into doctor_time_off (doctor_id, day, reason)
     select $1, g::date, $4 from generate_series($2::date, $3::date, interval '1 day') g
     on conflict (doctor_id, day) do update set reason = coalesce(excluded.reason, doctor_time_off.reason)`,
    [doctorId, from, to, reason],
  );
}

/** How many weekly windows each of the given doctors has (doctors without windows are absent). */
export async function countWindowsPerDoctor(
  em: EntityManager,
  doctorIds: readonly string[],
): Promise<Map<string, number>> {
  if (doctorIds.length === 0) return new Map();
  const rows = await query<{ id: string; windows: number }>(
    em,
    `select doctor_id as id, count(*)::int as windows from doctor_availability
     where doctor_id = any($1::uuid[]) group by doctor_id`,
    [doctorIds],
  );
  return new Map(rows.map((r) => [r.id, Number(r.windows)]));
}

/**
 * The codes of the doctor's live (scheduled or confirmed) appointments from `after` on that start
 * on a weekday (1 = Monday) within [from, to) Lagos time: what a weekly window still holds.
 */
export async function liveAppointmentsInWindow(
  em: EntityManager,
  doctorId: string,
  window: { weekday: number; from: string; to: string },
  after: string,
): Promise<string[]> {
  const rows = await query<{ code: string }>(
    em,
    `select code from appointment
     where doctor_id = $1 and status in ('scheduled', 'confirmed') and starts_at >= $5::timestamptz
       and extract(isodow from starts_at at time zone 'Africa/Lagos') = $2
       and (starts_at at time zone 'Africa/Lagos')::time >= $3::time
       and (starts_at at time zone 'Africa/Lagos')::time < $4::time
     order by starts_at limit 20`,
    [doctorId, window.weekday, window.from, window.to, after],
  );
  return rows.map((r) => r.code);
}

/** How many appointments (any status) the doctor has. */
export async function countAppointmentsOfDoctor(em: EntityManager, doctorId: string): Promise<number> {
  const row = await queryOne<{ n: number }>(
    em,
    'select count(*)::int as n from appointment where doctor_id = $1',
    [doctorId],
  );
  return Number(row?.n ?? 0);
}

/** Removes the doctor's days off from `from` to `to` (inclusive); returns the days removed. */
export async function deleteTimeOffDays(
  em: EntityManager,
  doctorId: string,
  from: string,
  to: string,
): Promise<string[]> {
  const rows = await query<{ day: string }>(
    em,
    `delete from doctor_time_off where doctor_id = $1 and day between $2::date and $3::date
     returning to_char(day, 'YYYY-MM-DD') as day`,
    [doctorId, from, to],
  );
  return rows.map((r) => r.day).sort();
}
