/**
 * The pure part of a payout run: from each contract's terms and revenue (payout-run.sql.ts), what
 * its payout would be and what the run would do with it. No database, no clock.
 */
import { type PolicyValues, withholdingTaxBps } from '../access/policy.js';
import { applyBasisPoints, koboToJson } from '../money.js';
import type { Period } from '../time.js';
import { activeDaysInPeriod, calculatePayout } from './payout.calculator.js';
import type { PayoutStatus } from './payout.entity.js';
import type { PayoutView } from './payout.view.js';
import type { CalculatedPayout, PeriodContract, StoredPayout } from './payout-run.sql.js';

/** What a run does to one contract's payout. */
export type PlanAction = 'create' | 'update' | 'unchanged' | 'kept';

export interface PlannedPayout {
  contract: PeriodContract;
  /** The payout's reference: `<contract number>-<period>`. */
  reference: string;
  /** The payout as this run calculates it. */
  calculated: CalculatedPayout;
  /**
   * create: the contract has no payout of the period yet; update: its calculated payout's
   * amounts changed; unchanged: they did not; kept: its payout is approved, exported, paid or
   * rejected and stays as it is.
   */
  action: PlanAction;
  /** Whether its payout carries the contract's open adjustments (false when it has none). */
  carries: boolean;
  /**
   * For a kept payout that is decided (approved, exported, paid, failed) and would now come out
   * differently: the difference to record as an adjustment.
   */
  adjustment?: { sourcePayoutId: string; wasKobo: bigint; nowKobo: bigint };
}

/** Payouts whose amounts are decided: a change in their period becomes an adjustment. */
const DECIDED: readonly PayoutStatus[] = ['approved', 'exported', 'paid', 'failed'];

/** Whether a stored payout already holds these calculated amounts and inputs. */
function sameAmounts(c: CalculatedPayout, s: StoredPayout): boolean {
  return (
    s.grossRevenueKobo === c.grossRevenueKobo &&
    s.ownerShareKobo === c.ownerShareKobo &&
    s.guaranteeKobo === c.guaranteeKobo &&
    s.payoutKobo === c.payoutKobo &&
    s.taxKobo === c.taxKobo &&
    s.netKobo === c.netKobo &&
    s.adjustmentKobo === c.adjustmentKobo &&
    s.dueDate === c.dueDate &&
    s.activeDays === c.activeDays &&
    s.taxBps === c.taxBps &&
    s.shareBps === c.shareBps &&
    s.fullGuaranteeKobo === c.fullGuaranteeKobo
  );
}

/**
 * Each contract's payout for the period and the run's action on it; contracts without an
 * active day in the period get none.
 */
export function planPayouts(
  contracts: PeriodContract[],
  period: Period,
  policy: PolicyValues,
): PlannedPayout[] {
  const planned: PlannedPayout[] = [];
  for (const contract of contracts) {
    const activeDays = activeDaysInPeriod(
      contract.startDate,
      contract.lastDay,
      period.firstDay,
      period.lastDay,
    );
    if (activeDays === 0) continue;
    const taxBps = withholdingTaxBps(policy, contract.taxType);
    const result = calculatePayout({
      grossRevenueKobo: contract.grossKobo,
      shareBasisPoints: contract.shareBps,
      guaranteeKobo: contract.guaranteeKobo,
      activeDays,
      periodDays: period.days,
      taxBasisPoints: taxBps,
      periodLastDay: period.lastDay,
      paymentTermsDays: contract.paymentTermsDays,
    });
    // The open adjustments ride on this payout unless they would take it below zero: then they
    // wait for a later one (an owner is never asked to pay back through a payout).
    const open = contract.openAdjustmentKobo;
    const carries = open !== 0n && result.payoutKobo + open >= 0n;
    const adjustmentKobo = carries ? open : 0n;
    const taxKobo = carries ? applyBasisPoints(result.payoutKobo + open, taxBps) : result.taxKobo;
    const calculated: CalculatedPayout = {
      shareBps: contract.shareBps,
      fullGuaranteeKobo: contract.guaranteeKobo,
      taxBps,
      activeDays,
      grossRevenueKobo: result.grossRevenueKobo,
      ownerShareKobo: result.ownerShareKobo,
      platformShareKobo: result.platformShareKobo,
      guaranteeKobo: result.guaranteeKobo,
      topUpKobo: result.topUpKobo,
      payoutKobo: result.payoutKobo,
      taxKobo,
      netKobo: result.payoutKobo + adjustmentKobo - taxKobo,
      adjustmentKobo,
      dueDate: result.dueDate,
    };
    const stored = contract.payout;
    const action: PlanAction = !stored
      ? 'create'
      : stored.status !== 'calculated'
        ? 'kept'
        : sameAmounts(calculated, stored)
          ? 'unchanged'
          : 'update';
    const decided = stored && DECIDED.includes(stored.status) ? stored : undefined;
    const wasKobo = decided ? decided.payoutKobo + decided.recordedAdjustmentKobo : 0n;
    const adjustment =
      decided && wasKobo !== result.payoutKobo
        ? { sourcePayoutId: decided.id, wasKobo, nowKobo: result.payoutKobo }
        : undefined;
    planned.push({
      contract,
      reference: `${contract.number}-${period.label}`,
      calculated,
      action,
      carries: action !== 'kept' && carries,
      adjustment,
    });
  }
  return planned;
}

/**
 * A planned payout as `payout run` prints it: a kept payout as stored, the others as this run
 * calculates them (status calculated). `id` is the payout's id once it has one.
 */
export function plannedView(
  p: PlannedPayout,
  period: Period,
  id: string | null,
): PayoutView & { action: PlanAction } {
  const stored = p.contract.payout;
  const kept = p.action === 'kept' && stored;
  const figures: CalculatedPayout = kept ? stored : p.calculated;
  const status: PayoutStatus = kept ? stored.status : 'calculated';
  const k = koboToJson;
  return {
    id,
    reference: kept ? stored.reference : p.reference,
    period: period.label,
    contract: p.contract.number,
    hospital: p.contract.hospitalCode,
    owner: p.contract.ownerId,
    ownerName: p.contract.ownerName,
    grossRevenueKobo: k(figures.grossRevenueKobo),
    ownerShareKobo: k(figures.ownerShareKobo),
    platformShareKobo: k(figures.platformShareKobo),
    guaranteeKobo: k(figures.guaranteeKobo),
    topUpKobo: k(figures.topUpKobo),
    payoutKobo: k(figures.payoutKobo),
    adjustmentKobo: k(figures.adjustmentKobo),
    taxKobo: k(figures.taxKobo),
    netKobo: k(figures.netKobo),
    dueDate: figures.dueDate,
    status,
    shareBasisPoints: figures.shareBps,
    fullGuaranteeKobo: k(figures.fullGuaranteeKobo),
    activeDays: figures.activeDays,
    periodDays: kept ? stored.periodDays : period.days,
    taxType: p.contract.taxType,
    taxBasisPoints: figures.taxBps,
    action: p.action,
  };
}
