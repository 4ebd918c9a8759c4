/**
 * Set-based work on adjustments (payout-adjustment.entity.ts): what is open for a period's run,
 * recording the differences a run finds, carrying open ones on the next calculated payouts, and the
 * listing of `payout adjustments`.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { execute, query } from '../db/sql.js';
import type { Period } from '../time.js';

/**
 * The sum of each contract's adjustments that a payout of `period` may carry: those of earlier
 * periods not carried yet, or carried by this period's own payout (a re-run carries them again).
 */
export async function openAdjustmentsByContract(
  em: EntityManager,
  period: Period,
): Promise<Map<string, bigint>> {
  const rows = await query<{ contract_id: string; total: string }>(
    em,
    `select a.contract_id, sum(a.amount_kobo)::text as total
       from payout_adjustment a
       join payout s on s.id = a.source_payout_id
       left join payout c on c.id = a.carried_by_payout_id
      where s.period_start < $1::date and (a.carried_by_payout_id is null or c.period = $2)
      group by a.contract_id`,
    [period.firstDay, period.label],
  );
  return new Map(rows.map((r) => [r.contract_id, BigInt(r.total)]));
}

/** What adjustments already recorded for each payout of the period add up to, by payout id. */
export async function recordedAdjustmentsOfPeriod(
  em: EntityManager,
  period: Period,
): Promise<Map<string, bigint>> {
  const rows = await query<{ id: string; total: string }>(
    em,
    `select a.source_payout_id as id, sum(a.amount_kobo)::text as total
       from payout_adjustment a join payout s on s.id = a.source_payout_id
      where s.period = $1 group by a.source_payout_id`,
    [period.label],
  );
  return new Map(rows.map((r) => [r.id, BigInt(r.total)]));
}

export interface NewAdjustment {
  contractId: string;
  sourcePayoutId: string;
  wasKobo: bigint;
  nowKobo: bigint;
}

/** Records a run's adjustments in one statement. */
export async function recordAdjustments(
  em: EntityManager,
  runId: string,
  operator: string,
  adjustments: NewAdjustment[],
): Promise<void> {
  if (adjustments.length === 0) return;
  await execute(
    em,
    `insert into payout_adjustment (contract_id, source_payout_id, was_payout_kobo, now_payout_kobo, amount_kobo,
       payout_run_id, detected_by)
     select u.contract_id, u.source_payout_id, u.was, u.now, u.now - u.was, $5, $6
       from unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::bigint[]) as u(contract_id, source_payout_id, was, now)`,
    [
      adjustments.map((a) => a.contractId),
      adjustments.map((a) => a.sourcePayoutId),
      adjustments.map((a) => a.wasKobo.toString()),
      adjustments.map((a) => a.nowKobo.toString()),
      runId,
      operator,
    ],
  );
}

/**
 * Points each contract's open adjustments of earlier periods at its payout of this period when it
 * carries them, and frees them when it no longer does, in one statement.
 */
export async function carryAdjustments(
  em: EntityManager,
  period: Period,
  payouts: { contractId: string; payoutId: string; carries: boolean }[],
): Promise<void> {
  if (payouts.length === 0) return;
  await execute(
    em,
    `update payout_adjustment a
        set carried_by_payout_id = case when u.carries then u.payout_id end
       from unnest($1::uuid[], $2::uuid[], $3::boolean[]) as u(contract_id, payout_id, carries), payout s
      where a.contract_id = u.contract_id and s.id = a.source_payout_id and s.period_start < $4::date
        and (a.carried_by_payout_id is null or a.carried_by_payout_id = u.payout_id)
        and a.carried_by_payout_id is distinct from (case when u.carries then u.payout_id end)`,
    [
      payouts.map((p) => p.contractId),
      payouts.map((p) => p.payoutId),
      payouts.map((p) => p.carries),
      period.firstDay,
    ],
  );
}

export interface AdjustmentRow {
  contract: string;
  source: string;
  wasKobo: string;
  nowKobo: string;
  amountKobo: string;
  detectedAt: Date;
  detectedBy: string;
  carriedBy: string | null;
  carriedByStatus: string | null;
}

/** The adjustments recorded for payouts of a period, oldest first, with who carries each. */
export async function adjustmentsOfPeriod(em: EntityManager, periodLabel: string): Promise<AdjustmentRow[]> {
  return query<AdjustmentRow>(
    em,
    `select k.number as contract, s.reference as source, a.was_payout_kobo::text as "wasKobo",
            a.now_payout_kobo::text as "nowKobo", a.amount_kobo::text as "amountKobo",
            a.detected_at as "detectedAt", a.detected_by as "detectedBy",
            c.reference as "carriedBy", c.status as "carriedByStatus"
       from payout_adjustment a
       join payout s on s.id = a.source_payout_id
       join contract k on k.id = a.contract_id
       left join payout c on c.id = a.carried_by_payout_id
      where s.period = $1
      order by a.detected_at, s.reference`,
    [periodLabel],
  );
}
