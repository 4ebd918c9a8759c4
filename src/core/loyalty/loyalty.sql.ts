/** Reads of the loyalty programme: a patient's next expiry and history, the liability report. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { query, queryOne } from '../db/sql.js';
import type { LedgerEntry } from './ledger.sql.js';

/** The earliest Lagos date some of the patient's points expire on, and how many expire then. */
export async function nextExpiry(
  em: EntityManager,
  patientId: string,
  months: number,
): Promise<{ date: string; points: number } | null> {
  const row = await queryOne<{ date: string; points: string }>(
    em,
    `select ((earned_at at time zone 'Africa/Lagos') + make_interval(months => $2))::date::text as date,
            sum(remaining) as points
     from loyalty_lot where patient_id = $1 and remaining > 0
     group by 1 order by 1 limit 1`,
    [patientId, months],
  );
  return row ? { date: row.date, points: Number(row.points) } : null;
}

/** The patient's latest ledger entries, newest first. */
export async function recentEntries(
  em: EntityManager,
  patientId: string,
  limit: number,
): Promise<LedgerEntry[]> {
  return query<LedgerEntry>(
    em,
    `select * from loyalty_transactions where patient_id = $1 order by created_at desc, seq desc limit $2`,
    [patientId, limit],
  );
}

export interface LiabilityRow {
  patients: string;
  points: string;
  within30: string;
  within60: string;
  within90: string;
}

/**
 * Points outstanding (what is left of every lot: the sum of the balances) and how many of them
 * expire by each horizon — lots earned on or before `earnedBy[i]` — of all patients or of one
 * home hospital's.
 */
export async function liability(
  em: EntityManager,
  earnedBy: [Date, Date, Date],
  hospitalId: string | undefined,
): Promise<LiabilityRow> {
  const row = await queryOne<LiabilityRow>(
    em,
    `select count(distinct l.patient_id) as patients, coalesce(sum(l.remaining), 0) as points,
            coalesce(sum(l.remaining) filter (where l.earned_at <= $1), 0) as within30,
            coalesce(sum(l.remaining) filter (where l.earned_at <= $2), 0) as within60,
            coalesce(sum(l.remaining) filter (where l.earned_at <= $3), 0) as within90
     from loyalty_lot l
     ${hospitalId ? 'join patient p on p.id = l.patient_id and p.hospital_id = $4' : ''}
     where l.remaining > 0`,
    hospitalId ? [...earnedBy, hospitalId] : earnedBy,
  );
  return row!;
}
