/**
 * The set-based SQL of a payout run: the period's revenue per contract (one grouped query over
 * the daily revenue rollup, never the transactions themselves), and the payouts written all at
 * once from column arrays (unnest), whatever the number of contracts.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { execute, query } from '../db/sql.js';
import type { Period } from '../time.js';
import type { TaxType } from './payout.calculator.js';
import type { PayoutStatus } from './payout.entity.js';
import { openAdjustmentsByContract, recordedAdjustmentsOfPeriod } from './payout-adjustment.sql.js';

/** Advisory-lock class of payout runs (the second key is the period's hash). */
const RUN_LOCK = 73_010_004;

/**
 * Makes runs of the same period take turns until the transaction ends: the second sees the
 * first's payouts and only recomputes them.
 */
export async function lockPeriodRuns(em: EntityManager, period: Period): Promise<void> {
  await execute(em, 'select pg_advisory_xact_lock($1, hashtext($2))', [RUN_LOCK, period.label]);
}

/** A payout of the period as stored: what a run calculated, where it stands. */
export interface StoredPayout extends CalculatedPayout {
  id: string;
  reference: string;
  status: PayoutStatus;
  periodDays: number;
  /** The adjustments recorded for this payout so far (its period changed after it was decided). */
  recordedAdjustmentKobo: bigint;
}

/** One contract of a period: its terms, its revenue in the period, its payout if it has one. */
export interface PeriodContract {
  contractId: string;
  number: string;
  hospitalCode: string;
  ownerId: string;
  ownerName: string;
  taxType: TaxType;
  shareBps: number;
  guaranteeKobo: bigint;
  paymentTermsDays: number;
  startDate: string;
  /** The contract's last day (end or termination, whichever is first); null when open-ended. */
  lastDay: string | null;
  /** Payments minus refunds of its hospital on the period's days it was in force. */
  grossKobo: bigint;
  payout: StoredPayout | undefined;
  /** Its open adjustments of earlier periods (0 when none): what this period's payout may carry. */
  openAdjustmentKobo: bigint;
}

interface PeriodContractRow {
  contract_id: string;
  number: string;
  hospital_code: string;
  owner_id: string;
  owner_name: string;
  tax_type: TaxType;
  share_bps: number;
  guarantee_kobo: string;
  payment_terms_days: number;
  start_date: string;
  last_day: string | null;
  gross: string;
}

/**
 * Per contract of the period's frequency in force on any day of the period: its terms, the gross
 * revenue of its hospital on the days it was in force (Lagos calendar days, refunds subtracted)
 * and its payout of the period if a run made one. One grouped query over the daily revenue
 * rollup `hospital_revenue_day` (kept equal to the grouped transactions by triggers, see its
 * migration): about one row per contract and day of the period, whatever the number of
 * transactions; then the period's payouts (one indexed query). In contract number order.
 */
export async function contractsOfPeriod(em: EntityManager, period: Period): Promise<PeriodContract[]> {
  const rows = await query<PeriodContractRow>(
    em,
    `with c as (
       select c.id, c.number, h.code as hospital_code, c.hospital_id, o.id as owner_id, o.name as owner_name, o.tax_type,
         c.share_bps, c.guarantee_kobo, c.payment_terms_days, c.start_date,
         least(c.end_date, c.terminated_on) as last_day,
         greatest(c.start_date, $1::date) as from_day,
         least(coalesce(least(c.end_date, c.terminated_on), $2::date), $2::date) as to_day
       from contract c join hospital h on h.id = c.hospital_id join owner o on o.id = c.owner_id
       where c.frequency = $3
         and (c.status in ('active', 'expired') or (c.status = 'terminated' and c.terminated_on >= c.start_date))
         and c.start_date <= $2::date and coalesce(least(c.end_date, c.terminated_on), $2::date) >= $1::date
     )
     -- One index range scan of the rollup per contract: a lateral join, so the plan does not
     -- depend on how many contracts the planner expects.
     select c.id as contract_id, c.number, c.hospital_code, c.owner_id, c.owner_name, c.tax_type, c.share_bps,
       c.guarantee_kobo::text, c.payment_terms_days, c.start_date::text, c.last_day::text,
       coalesce(g.gross, 0)::text as gross
     from c left join lateral (
       select sum(r.payments_kobo - r.refunds_kobo) as gross
       from hospital_revenue_day r
       where r.hospital_id = c.hospital_id and r.day between c.from_day and c.to_day
     ) g on true
     order by c.number`,
    [period.firstDay, period.lastDay, period.frequency],
  );
  const stored = await payoutsOfPeriod(em, period);
  const open = await openAdjustmentsByContract(em, period);
  return rows.map((r) => ({
    contractId: r.contract_id,
    number: r.number,
    hospitalCode: r.hospital_code,
    ownerId: r.owner_id,
    ownerName: r.owner_name,
    taxType: r.tax_type,
    shareBps: r.share_bps,
    guaranteeKobo: BigInt(r.guarantee_kobo),
    paymentTermsDays: r.payment_terms_days,
    startDate: r.start_date,
    lastDay: r.last_day,
    grossKobo: BigInt(r.gross),
    payout: stored.get(r.contract_id),
    openAdjustmentKobo: open.get(r.contract_id) ?? 0n,
  }));
}

interface StoredPayoutRow {
  contract_id: string;
  id: string;
  reference: string;
  status: PayoutStatus;
  share_bps: number;
  full_guarantee_kobo: string;
  tax_bps: number;
  active_days: number;
  period_days: number;
  gross_revenue_kobo: string;
  owner_share_kobo: string;
  platform_share_kobo: string;
  guarantee_kobo: string;
  top_up_kobo: string;
  payout_kobo: string;
  tax_kobo: string;
  net_kobo: string;
  adjustment_kobo: string;
  due_date: string;
}

/** The payouts of a period, by contract (at most one each: the (contract, period) key). */
async function payoutsOfPeriod(em: EntityManager, period: Period): Promise<Map<string, StoredPayout>> {
  const rows = await query<StoredPayoutRow>(
    em,
    `select contract_id, id, reference, status, share_bps, full_guarantee_kobo::text, tax_bps, active_days,
       period_days, gross_revenue_kobo::text, owner_share_kobo::text, platform_share_kobo::text,
       guarantee_kobo::text, top_up_kobo::text, payout_kobo::text, tax_kobo::text, net_kobo::text,
       adjustment_kobo::text, due_date::text
     from payout where period = $1`,
    [period.label],
  );
  const recorded = await recordedAdjustmentsOfPeriod(em, period);
  return new Map(
    rows.map((r) => [
      r.contract_id,
      {
        id: r.id,
        reference: r.reference,
        status: r.status,
        shareBps: r.share_bps,
        fullGuaranteeKobo: BigInt(r.full_guarantee_kobo),
        taxBps: r.tax_bps,
        activeDays: r.active_days,
        periodDays: r.period_days,
        grossRevenueKobo: BigInt(r.gross_revenue_kobo),
        ownerShareKobo: BigInt(r.owner_share_kobo),
        platformShareKobo: BigInt(r.platform_share_kobo),
        guaranteeKobo: BigInt(r.guarantee_kobo),
        topUpKobo: BigInt(r.top_up_kobo),
        payoutKobo: BigInt(r.payout_kobo),
        taxKobo: BigInt(r.tax_kobo),
        netKobo: BigInt(r.net_kobo),
        adjustmentKobo: BigInt(r.adjustment_kobo),
        dueDate: r.due_date,
        recordedAdjustmentKobo: recorded.get(r.id) ?? 0n,
      },
    ]),
  );
}

/** The calculated columns of a payout, as a run writes them. */
export interface CalculatedPayout {
  shareBps: number;
  fullGuaranteeKobo: bigint;
  taxBps: number;
  activeDays: number;
  grossRevenueKobo: bigint;
  ownerShareKobo: bigint;
  platformShareKobo: bigint;
  guaranteeKobo: bigint;
  topUpKobo: bigint;
  payoutKobo: bigint;
  taxKobo: bigint;
  netKobo: bigint;
  /** Open adjustments of earlier periods this payout carries (net = payout + adjustment − tax). */
  adjustmentKobo: bigint;
  dueDate: string;
}

/** The calculated columns, their array types, and how each is read from a CalculatedPayout. */
const CALC_COLUMNS: readonly [string, string, (c: CalculatedPayout) => string | number][] = [
  ['share_bps', 'int', (c) => c.shareBps],
  ['full_guarantee_kobo', 'bigint', (c) => c.fullGuaranteeKobo.toString()],
  ['tax_bps', 'int', (c) => c.taxBps],
  ['active_days', 'int', (c) => c.activeDays],
  ['gross_revenue_kobo', 'bigint', (c) => c.grossRevenueKobo.toString()],
  ['owner_share_kobo', 'bigint', (c) => c.ownerShareKobo.toString()],
  ['platform_share_kobo', 'bigint', (c) => c.platformShareKobo.toString()],
  ['guarantee_kobo', 'bigint', (c) => c.guaranteeKobo.toString()],
  ['top_up_kobo', 'bigint', (c) => c.topUpKobo.toString()],
  ['payout_kobo', 'bigint', (c) => c.payoutKobo.toString()],
  ['tax_kobo', 'bigint', (c) => c.taxKobo.toString()],
  ['net_kobo', 'bigint', (c) => c.netKobo.toString()],
  ['adjustment_kobo', 'bigint', (c) => c.adjustmentKobo.toString()],
  ['due_date', 'date', (c) => c.dueDate],
];

/** Columns of `items` as arrays, one per column, for unnest: the keys first, then CALC_COLUMNS. */
function columnArrays<T extends CalculatedPayout>(items: T[], keys: ((item: T) => string)[]): unknown[] {
  return [...keys.map((key) => items.map(key)), ...CALC_COLUMNS.map(([, , value]) => items.map(value))];
}

/** `$1::t1[], $2::t2[], …` for unnest's arguments. */
const unnestArgs = (types: string[]) => types.map((t, i) => `$${i + 1}::${t}[]`).join(', ');

/**
 * Inserts new `calculated` payouts (revision 1) of a period in one statement, from column arrays.
 * Returns each new payout's id by contract.
 */
export async function insertCalculatedPayouts(
  em: EntityManager,
  period: Period,
  payouts: (CalculatedPayout & { reference: string; contractId: string })[],
  calculated: { by: string; at: string },
): Promise<Map<string, string>> {
  if (payouts.length === 0) return new Map();
  const cols = ['reference', 'contract_id', ...CALC_COLUMNS.map(([n]) => n)];
  const types = ['text', 'uuid', ...CALC_COLUMNS.map(([, t]) => t)];
  const n = cols.length;
  const rows = await query<{ id: string; contract_id: string }>(
    em,
    `insert into payout (${cols.join(', ')}, period, period_start, period_end, period_days, status, revision,
       calculated_by, calculated_at)
     select u.*, $${n + 1}, $${n + 2}::date, $${n + 3}::date, $${n + 4}::int, 'calculated', 1, $${n + 5},
       $${n + 6}::timestamptz
     from unnest(${unnestArgs(types)}) as u(${cols.join(', ')})
     returning id, contract_id`,
    [
      ...columnArrays(payouts, [(p) => p.reference, (p) => p.contractId]),
      period.label,
      period.firstDay,
      period.lastDay,
      period.days,
      calculated.by,
      calculated.at,
    ],
  );
  return new Map(rows.map((r) => [r.contract_id, r.id]));
}

/**
 * Recomputes payouts in place, in one statement from column arrays: new amounts, the next
 * revision (earlier approvals no longer count). Only payouts still `calculated` change; returns
 * how many did.
 */
export async function updateCalculatedPayouts(
  em: EntityManager,
  payouts: (CalculatedPayout & { id: string })[],
  calculated: { by: string; at: string },
): Promise<number> {
  if (payouts.length === 0) return 0;
  const cols = ['id', ...CALC_COLUMNS.map(([n]) => n)];
  const types = ['uuid', ...CALC_COLUMNS.map(([, t]) => t)];
  const n = cols.length;
  return execute(
    em,
    `update payout p set ${CALC_COLUMNS.map(([c]) => `${c} = u.${c}`).join(', ')},
       revision = p.revision + 1, calculated_by = $${n + 1}, calculated_at = $${n + 2}::timestamptz
     from unnest(${unnestArgs(types)}) as u(${cols.join(', ')})
     where p.id = u.id and p.status = 'calculated'`,
    [...columnArrays(payouts, [(p) => p.id]), calculated.by, calculated.at],
  );
}

export interface StalePayout {
  id: string;
  contractId: string;
  reference: string;
  status: 'calculated' | 'approved' | 'exported' | 'paid' | 'failed';
  netKobo: bigint;
  /** The payout plus the adjustments recorded for it: what has been decided for the period so far. */
  decidedKobo: bigint;
}

/**
 * Payouts of the period whose contract no longer has an active day in it (it was terminated or
 * ended after they were calculated), locked until the run commits. A run voids those not yet
 * exported (calculated, approved); for those already exported, paid or failed, what they should
 * not have paid becomes an adjustment. `live` are the contracts the run plans a payout for.
 */
export async function stalePayoutsOfPeriod(
  em: EntityManager,
  period: Period,
  live: string[],
): Promise<StalePayout[]> {
  const rows = await query<{
    id: string;
    contract_id: string;
    reference: string;
    status: StalePayout['status'];
    net: string;
    decided: string;
  }>(
    em,
    `select p.id, p.contract_id, p.reference, p.status, p.net_kobo::text as net,
            (p.payout_kobo + coalesce((select sum(a.amount_kobo) from payout_adjustment a
                                        where a.source_payout_id = p.id), 0))::text as decided
       from payout p
      where p.period = $1 and p.status in ('calculated', 'approved', 'exported', 'paid', 'failed')
        and p.contract_id <> all ($2::uuid[])
      order by p.reference
      for update of p`,
    [period.label, live],
  );
  return rows.map((r) => ({
    id: r.id,
    contractId: r.contract_id,
    reference: r.reference,
    status: r.status,
    netKobo: BigInt(r.net),
    decidedKobo: BigInt(r.decided),
  }));
}

/** Whether a stale payout is voided (not exported yet) rather than adjusted for. */
export const isVoidable = (p: StalePayout) => p.status === 'calculated' || p.status === 'approved';

/** Marks payouts void (they are then never approved or exported). */
export async function voidPayouts(em: EntityManager, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  return execute(em, `update payout set status = 'void' where id = any ($1::uuid[])`, [ids]);
}
