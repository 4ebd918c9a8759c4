/**
 * `payout run` (SPEC §1 "Payouts"): plan, then apply. The period's revenue is aggregated in
 * PostgreSQL with one grouped query over the daily revenue rollup that the database keeps from
 * the transactions (never loading transactions into JavaScript), each contract's payout comes from
 * the pure `calculatePayout`, and the payouts are written set-based. Runs of one period take turns
 * on an advisory lock and the (contract, period) unique key guards the rest, so two runs at once
 * give one payout per contract. A re-run recomputes `calculated` payouts in place and never
 * touches the others.
 */
import { DateTime } from 'luxon';
import { readPolicy } from '../access/policy.js';
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { ConflictError, ValidationError } from '../errors.js';
import { koboToJson } from '../money.js';
import { lagosDate, parsePeriod } from '../time.js';
import { type PayoutTotals, type PayoutView, totalsOf } from './payout.view.js';
import { carryAdjustments, type NewAdjustment, recordAdjustments } from './payout-adjustment.sql.js';
import { type PlanAction, type PlannedPayout, plannedView, planPayouts } from './payout-plan.js';
import { PayoutRun } from './payout-run.entity.js';
import {
  contractsOfPeriod,
  insertCalculatedPayouts,
  isVoidable,
  lockPeriodRuns,
  type StalePayout,
  stalePayoutsOfPeriod,
  updateCalculatedPayouts,
  voidPayouts,
} from './payout-run.sql.js';

export type { PlanAction } from './payout-plan.js';

export interface RunPayoutsInput {
  /** `YYYY-MM` (monthly contracts) or `YYYY-Qn` (quarterly contracts). */
  period: string;
  /** Only plan: show the calculation, write nothing. */
  dryRun?: boolean;
}

export interface PayoutRunResult {
  period: string;
  dryRun: boolean;
  payouts: (PayoutView & { action: PlanAction })[];
  totals: PayoutTotals;
  created: number;
  updated: number;
  unchanged: number;
  /** Payouts left as they were because they are approved, exported, paid or rejected. */
  kept: number;
  /**
   * Payouts not yet exported whose contract no longer has an active day in the period: voided
   * (with dryRun: would be), never approved or exported.
   */
  voided: { reference: string; wasStatus: string; netKobo: number }[];
  /**
   * Payouts already decided (approved, exported, paid, failed) that would now come out
   * differently: the difference recorded (with dryRun: that would be) as an adjustment, which the
   * contract's next calculated payout carries.
   */
  adjustments: { reference: string; wasKobo: number; nowKobo: number; amountKobo: number }[];
}

/** A difference found by the run, with the payout it is about. */
type FoundAdjustment = NewAdjustment & { reference: string };

/** The adjustments a run finds: decided payouts recalculated differently, and decided ones gone stale. */
function foundAdjustments(planned: PlannedPayout[], stale: StalePayout[]): FoundAdjustment[] {
  return [
    ...planned.flatMap((p) =>
      p.adjustment
        ? [
            {
              contractId: p.contract.contractId,
              sourcePayoutId: p.adjustment.sourcePayoutId,
              wasKobo: p.adjustment.wasKobo,
              nowKobo: p.adjustment.nowKobo,
              reference: p.contract.payout!.reference,
            },
          ]
        : [],
    ),
    ...stale
      .filter((p) => !isVoidable(p) && p.decidedKobo !== 0n)
      .map((p) => ({
        contractId: p.contractId,
        sourcePayoutId: p.id,
        wasKobo: p.decidedKobo,
        nowKobo: 0n,
        reference: p.reference,
      })),
  ];
}

/**
 * Runs (or, with dryRun, only plans) the payouts of a period for every contract of its frequency
 * in force on any of its days.
 */
export async function runPayouts(ctx: ServiceContext, input: RunPayoutsInput): Promise<PayoutRunResult> {
  const period = parsePeriod(input.period);
  const today = lagosDate(ctx.clock.now());
  // A period is paid once it is over: run earlier, a month's guarantee would be paid in full for
  // days still to come. A dry run may preview it.
  if (!input.dryRun && period.lastDay >= today)
    throw new ValidationError(
      'period',
      input.period,
      `has not ended yet (its last day is ${period.lastDay}); run it from ${DateTime.fromISO(period.lastDay).plus({ days: 1 }).toISODate()}, or preview it with --dry-run`,
    );
  const now = ctx.clock.now().toISO()!;
  const summarise = (
    planned: PlannedPayout[],
    payouts: (PayoutView & { action: PlanAction })[],
    stale: StalePayout[],
    found: FoundAdjustment[],
  ) => {
    const count = (a: PlanAction) => planned.filter((p) => p.action === a).length;
    return {
      period: period.label,
      dryRun: Boolean(input.dryRun),
      payouts,
      totals: totalsOf(payouts),
      created: count('create'),
      updated: count('update'),
      unchanged: count('unchanged'),
      kept: count('kept'),
      voided: stale
        .filter(isVoidable)
        .map((p) => ({ reference: p.reference, wasStatus: p.status, netKobo: koboToJson(p.netKobo) })),
      adjustments: found.map((a) => ({
        reference: a.reference,
        wasKobo: koboToJson(a.wasKobo),
        nowKobo: koboToJson(a.nowKobo),
        amountKobo: koboToJson(a.nowKobo - a.wasKobo),
      })),
    };
  };
  const live = (planned: PlannedPayout[]) => planned.map((p) => p.contract.contractId);
  if (input.dryRun) {
    const planned = planPayouts(await contractsOfPeriod(ctx.em, period), period, await readPolicy(ctx.em));
    const stale = await stalePayoutsOfPeriod(ctx.em, period, live(planned));
    return summarise(
      planned,
      planned.map((p) => plannedView(p, period, p.contract.payout?.id ?? null)),
      stale,
      foundAdjustments(planned, stale),
    );
  }
  return ctx.em.transactional(async (em) => {
    await lockPeriodRuns(em, period);
    const planned = planPayouts(await contractsOfPeriod(em, period), period, await readPolicy(em));
    const calculated = { by: ctx.actor.operator, at: now };
    const created = await insertCalculatedPayouts(
      em,
      period,
      planned
        .filter((p) => p.action === 'create')
        .map((p) => ({ ...p.calculated, reference: p.reference, contractId: p.contract.contractId })),
      calculated,
    );
    const updates = planned.filter((p) => p.action === 'update');
    const touched = await updateCalculatedPayouts(
      em,
      updates.map((p) => ({ ...p.calculated, id: p.contract.payout!.id })),
      calculated,
    );
    if (touched !== updates.length)
      throw new ConflictError(
        'payout_changed',
        'payouts of this period changed during the run; run it again',
      );
    const stale = await stalePayoutsOfPeriod(em, period, live(planned));
    await voidPayouts(
      em,
      stale.filter(isVoidable).map((p) => p.id),
    );
    const kept = planned.filter((p) => p.action === 'kept').length;
    const run = em.create(PayoutRun, {
      period: period.label,
      operator: ctx.actor.operator,
      ranAt: new Date(now),
      calculated: planned.length - kept,
      kept,
    });
    await em.flush();
    const payouts = planned.map((p) =>
      plannedView(p, period, p.contract.payout?.id ?? created.get(p.contract.contractId)!),
    );
    const found = foundAdjustments(planned, stale);
    await recordAdjustments(em, run.id, ctx.actor.operator, found);
    await carryAdjustments(
      em,
      period,
      planned
        .filter((p) => p.action !== 'kept')
        .map((p) => ({
          contractId: p.contract.contractId,
          payoutId: p.contract.payout?.id ?? created.get(p.contract.contractId)!,
          carries: p.carries,
        })),
    );
    const result = summarise(planned, payouts, stale, found);
    for (const p of stale.filter(isVoidable))
      await recordAudit(em, ctx.actor, 'payout', p.id, {
        action: 'void',
        reference: p.reference,
        was: p.status,
        reason: 'no active contract day in the period',
      });
    await recordAudit(em, ctx.actor, 'payout_run', run.id, {
      period: period.label,
      created: result.created,
      updated: result.updated,
      unchanged: result.unchanged,
      kept: result.kept,
      voided: result.voided.length,
      adjustments: result.adjustments.length,
      netKobo: result.totals.netKobo,
    });
    return result;
  });
}
