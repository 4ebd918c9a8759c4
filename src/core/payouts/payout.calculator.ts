/**
 * The payout arithmetic of SPEC §1 "Payouts", as a pure function: no database, no clock. All
 * amounts are bigint kobo; every rounding is half-to-even to the kobo.
 */
import { applyBasisPoints, type Kobo, mulDivHalfEven } from '../money.js';

/** Default withholding-tax rates in basis points per owner tax type (configurable elsewhere). */
export const TAX_BASIS_POINTS = { company: 1000, individual: 500, exempt: 0 } as const;
export type TaxType = keyof typeof TAX_BASIS_POINTS;

export interface PayoutInput {
  /** Payments minus refunds in the period on active days; negative when refunds exceed payments. */
  grossRevenueKobo: Kobo;
  /** The owner's revenue share in basis points (7000 = 70%), 0..10000. */
  shareBasisPoints: number;
  /** Minimum guarantee for a full period, ≥ 0. */
  guaranteeKobo: Kobo;
  /** Days the contract was active in the period, 0..periodDays. */
  activeDays: number;
  /** Days in the period (28..31 for a month, 90..92 for a quarter), ≥ 1. */
  periodDays: number;
  /** Withholding-tax rate in basis points, 0..10000 (see `TAX_BASIS_POINTS`). */
  taxBasisPoints: number;
  /** Last day of the period, inclusive, `YYYY-MM-DD` (Lagos calendar day). */
  periodLastDay: string;
  /** Payment terms in days (30 = Net 30), ≥ 0. */
  paymentTermsDays: number;
}

export interface PayoutResult {
  grossRevenueKobo: Kobo;
  /** gross × share, half-to-even; 0 when gross is negative. */
  ownerShareKobo: Kobo;
  /** gross − owner share (negative when gross is). */
  platformShareKobo: Kobo;
  /** The guarantee prorated by active days: guarantee × activeDays / periodDays, half-to-even. */
  guaranteeKobo: Kobo;
  /** payout − owner share: what the guarantee cost the platform; ≥ 0. */
  topUpKobo: Kobo;
  /** Gross payout: max(owner share, prorated guarantee). */
  payoutKobo: Kobo;
  /** Withholding tax: payout × tax rate, half-to-even. */
  taxKobo: Kobo;
  /** payout − tax: what the bank export pays. */
  netKobo: Kobo;
  /** periodLastDay + paymentTermsDays, `YYYY-MM-DD`. */
  dueDate: string;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/**
 * A Lagos calendar day as a whole day number (days since 1970-01-01): whole calendar days need no
 * time zone, and integer arithmetic on them is exact and cheap (a run computes thousands).
 */
function dayNumber(value: string, field: string): number {
  const m = ISO_DATE.exec(value);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  // Date.UTC rolls 2026-02-30 over to March: only a date that reads back the same is real.
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value)
    throw new RangeError(`${field} must be a date YYYY-MM-DD (got ${JSON.stringify(value)})`);
  return ms / DAY_MS;
}

const isoDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

function requireInteger(value: number, field: string, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${field} must be an integer in ${min}..${max} (got ${value})`);
  }
}

/**
 * Computes one contract's payout for one period.
 *
 * - owner share = gross × share, half-to-even; a negative gross gives a zero share, and the
 *   platform share = gross − owner share carries the whole loss;
 * - prorated guarantee = guarantee × activeDays / periodDays, half-to-even;
 * - payout = max(owner share, prorated guarantee); top-up = payout − owner share;
 * - tax = payout × tax rate, half-to-even; net = payout − tax;
 * - due date = period last day + payment-terms days (Lagos calendar).
 *
 * @throws RangeError when a rate is outside 0..10000 bps, the guarantee is negative, the day counts
 *   are not integers with 0 ≤ activeDays ≤ periodDays and periodDays ≥ 1, the payment terms are
 *   negative or not whole days, or periodLastDay is not a date.
 */
export function calculatePayout(input: PayoutInput): PayoutResult {
  const { grossRevenueKobo, shareBasisPoints, guaranteeKobo, activeDays, periodDays } = input;
  requireInteger(shareBasisPoints, 'shareBasisPoints', 0, 10_000);
  requireInteger(input.taxBasisPoints, 'taxBasisPoints', 0, 10_000);
  requireInteger(periodDays, 'periodDays', 1);
  requireInteger(activeDays, 'activeDays', 0, periodDays);
  requireInteger(input.paymentTermsDays, 'paymentTermsDays', 0);
  if (guaranteeKobo < 0n) throw new RangeError(`guaranteeKobo must not be negative (got ${guaranteeKobo})`);
  const lastDay = dayNumber(input.periodLastDay, 'periodLastDay');

  const ownerShareKobo = grossRevenueKobo > 0n ? applyBasisPoints(grossRevenueKobo, shareBasisPoints) : 0n;
  const platformShareKobo = grossRevenueKobo - ownerShareKobo;
  const proratedGuarantee = mulDivHalfEven(guaranteeKobo, BigInt(activeDays), BigInt(periodDays));
  const payoutKobo = ownerShareKobo > proratedGuarantee ? ownerShareKobo : proratedGuarantee;
  const taxKobo = applyBasisPoints(payoutKobo, input.taxBasisPoints);

  return {
    grossRevenueKobo,
    ownerShareKobo,
    platformShareKobo,
    guaranteeKobo: proratedGuarantee,
    topUpKobo: payoutKobo - ownerShareKobo,
    payoutKobo,
    taxKobo,
    netKobo: payoutKobo - taxKobo,
    dueDate: isoDay(lastDay + input.paymentTermsDays),
  };
}

/**
 * Days a contract was active within a period: the overlap of [contractStart, contractEnd] and
 * [periodFirstDay, periodLastDay], all inclusive Lagos calendar days; an open-ended contract
 * (`contractEnd` null) runs past the period. 0 when they do not overlap.
 *
 * @throws RangeError when a date is not `YYYY-MM-DD`, or an end lies before its start.
 */
export function activeDaysInPeriod(
  contractStart: string,
  contractEnd: string | null,
  periodFirstDay: string,
  periodLastDay: string,
): number {
  const start = dayNumber(contractStart, 'contractStart');
  const end = contractEnd === null ? null : dayNumber(contractEnd, 'contractEnd');
  const first = dayNumber(periodFirstDay, 'periodFirstDay');
  const last = dayNumber(periodLastDay, 'periodLastDay');
  if (end !== null && end < start) throw new RangeError('contractEnd must not be before contractStart');
  if (last < first) throw new RangeError('periodLastDay must not be before periodFirstDay');

  const from = Math.max(start, first);
  const to = end === null ? last : Math.min(end, last);
  return to < from ? 0 : to - from + 1;
}
