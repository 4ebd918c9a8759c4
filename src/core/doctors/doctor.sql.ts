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
