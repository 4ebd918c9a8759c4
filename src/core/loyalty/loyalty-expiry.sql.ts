/**
 * Set-based SQL of `loyalty expire`: every lot earned on or before a cutoff loses what is left
 * of it, booked as one `expire` entry per patient, in one statement (docs/loyalty.md).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { execute, query, queryOne } from '../db/sql.js';
import { ConflictError } from '../errors.js';

/**
 * Locks the accounts of the patients with points due to expire, in patient order: the lock every
 * other loyalty write takes first, so a redemption and an expiry never deadlock, and a second
 * expiry run waits here for the first to commit, then finds those lots empty.
 */
export async function lockAccountsWithExpiringLots(em: EntityManager, earnedBefore: Date): Promise<number> {
  return execute(
    em,
    `select a.patient_id from loyalty_account a
     where a.patient_id in (select patient_id from loyalty_lot where remaining > 0 and earned_at <= $1)
     order by a.patient_id
     for update of a`,
    [earnedBefore],
  );
}

export interface ExpiryTotals {
  patients: number;
  lots: number;
  points: number;
}

const totals = (r: { patients: string; lots: string; points: string } | undefined): ExpiryTotals => ({
  patients: Number(r?.patients ?? 0),
  lots: Number(r?.lots ?? 0),
  points: Number(r?.points ?? 0),
});

/**
 * Empties every lot earned on or before `earnedBefore` and books, per patient, one `expire` entry
 * of what was left (source key `expire:<runId>:<patientId>`).
 *
 * Run only after lockAccountsWithExpiringLots in the same transaction: every loyalty write takes
 * its patient's account lock first, so none of these lots can change between the statement's
 * snapshot (which `due` reads) and the update. That is why the update needs no join back to
 * `due` nor row locks of its own (a million of each cost ~8 s of a 27 s run); the count of
 * emptied lots is compared with `due` all the same, and a difference rolls the run back.
 * Ledger rows go in patient order, so the ledger's patient and source-key indexes fill in order.
 */
export async function expireLots(
  em: EntityManager,
  earnedBefore: Date,
  runId: string,
  reason: string,
  at: Date,
): Promise<ExpiryTotals> {
  const row = await queryOne<{ patients: string; lots: string; points: string; emptied: string }>(
    em,
    `with due as materialized (
       select patient_id, remaining from loyalty_lot where remaining > 0 and earned_at <= $1
     ), emptied as (
       update loyalty_lot set remaining = 0 where remaining > 0 and earned_at <= $1
       returning 1
     ), per_patient as (
       select patient_id, sum(remaining) as points, count(*) as lots from due group by patient_id
     ), booked as (
       insert into loyalty_transactions (patient_id, points, kind, reason, source_key, created_at)
       select patient_id, -points, 'expire', $3, 'expire:' || $2 || ':' || patient_id, $4
       from per_patient order by patient_id
       returning points
     )
     select (select count(*) from booked) as patients,
            (select coalesce(sum(lots), 0) from per_patient) as lots,
            (select count(*) from emptied) as emptied,
            (select coalesce(-sum(points), 0) from booked) as points`,
    [earnedBefore, runId, reason, at],
  );
  if (row && row.emptied !== row.lots)
    throw new ConflictError(
      'loyalty_lots_changed',
      `loyalty expire: ${row.emptied} lots emptied but ${row.lots} were due; nothing was expired, run it again`,
    );
  return totals(row);
}

/** What expireLots would expire, without writing (`--dry-run`). */
export async function previewExpiry(em: EntityManager, earnedBefore: Date): Promise<ExpiryTotals> {
  const row = await queryOne<{ patients: string; lots: string; points: string }>(
    em,
    `select count(distinct patient_id) as patients, count(*) as lots, coalesce(sum(remaining), 0) as points
     from loyalty_lot where remaining > 0 and earned_at <= $1`,
    [earnedBefore],
  );
  return totals(row);
}

export interface DueNotice {
  patient_id: string;
  expires_on: string;
  points: string;
}

/**
 * Points that expire after the run's cutoff but within the notice window, per patient and expiry
 * date (Lagos), not yet noticed. With `record`, records them (loyalty_expiry_notice, on conflict
 * nothing: two runs at once notice each once) and returns those it recorded.
 */
export async function dueNotices(
  em: EntityManager,
  window: { earnedAfter: Date; earnedBefore: Date; months: number },
  record: boolean,
): Promise<DueNotice[]> {
  const due = `
    select patient_id, ((earned_at at time zone 'Africa/Lagos') + make_interval(months => $3))::date as expires_on,
           sum(remaining) as points
    from loyalty_lot
    where remaining > 0 and earned_at > $1 and earned_at <= $2
    group by 1, 2`;
  const params = [window.earnedAfter, window.earnedBefore, window.months];
  if (!record)
    return query<DueNotice>(
      em,
      `select d.patient_id, d.expires_on::text as expires_on, d.points from (${due}) d
       where not exists (select 1 from loyalty_expiry_notice n where n.patient_id = d.patient_id and n.expires_on = d.expires_on)
       order by 1, 2`,
      params,
    );
  return query<DueNotice>(
    em,
    `insert into loyalty_expiry_notice (patient_id, expires_on, points, created_at)
     select patient_id, expires_on, points, now() from (${due}) d
     order by 1, 2
     on conflict (patient_id, expires_on) do nothing
     returning patient_id, expires_on::text as expires_on, points`,
    params,
  );
}
