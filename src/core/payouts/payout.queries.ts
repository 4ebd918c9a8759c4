import { readPolicy, requiredApprovals } from '../access/policy.js';
import type { ServiceContext } from '../context.js';
import { ValidationError } from '../errors.js';
import { parsePeriod, toIsoLagos } from '../time.js';
import { PAYOUT_STATUSES, Payout, type PayoutStatus } from './payout.entity.js';
import { payoutRepository } from './payout.repository.js';
import { countTransactionsInForce, findPayoutParties, partiesOfContract } from './payout.sql.js';
import {
  type PayoutDetail,
  type PayoutTotals,
  type PayoutView,
  toPayoutDetail,
  toPayoutView,
  totalsOf,
} from './payout.view.js';
import { adjustmentsOfPeriod } from './payout-adjustment.sql.js';
import { PayoutApproval } from './payout-approval.entity.js';

export interface ListPayoutsFilters {
  period?: string;
  status?: string;
  hospital?: string;
  contract?: string;
}

/** `payout list`: payouts by period start and contract number, with their totals. */
export async function listPayouts(
  ctx: ServiceContext,
  filters: ListPayoutsFilters,
): Promise<{ payouts: PayoutView[]; totals: PayoutTotals }> {
  const period = filters.period ? parsePeriod(filters.period).label : undefined;
  if (filters.status && !(PAYOUT_STATUSES as readonly string[]).includes(filters.status))
    throw new ValidationError('status', filters.status, `use ${PAYOUT_STATUSES.join(', ')}`);
  const parties = await findPayoutParties(ctx.em, {
    period,
    status: (filters.status || undefined) as PayoutStatus | undefined,
    hospital: filters.hospital ? filters.hospital.trim().toUpperCase() : undefined,
    contract: filters.contract ? filters.contract.trim().toUpperCase() : undefined,
  });
  const found =
    parties.length === 0 ? [] : await ctx.em.find(Payout, { id: { $in: parties.map((p) => p.id) } });
  const byId = new Map(found.map((p) => [p.id, p]));
  const payouts = parties.map((party) => toPayoutView(byId.get(party.id)!, party));
  return { payouts, totals: totalsOf(payouts) };
}

/** `payout show`: the full calculation of one payout: revenue, share, guarantee and proration, top-up, tax, approvals. */
export async function showPayout(ctx: ServiceContext, ref: string): Promise<PayoutDetail> {
  const p = await payoutRepository(ctx.em).getByRef(ref);
  const approvals = await ctx.em.find(
    PayoutApproval,
    { payout: p },
    { orderBy: { decidedAt: 'asc', id: 'asc' } },
  );
  return toPayoutDetail(p, await partiesOfContract(ctx.em, p.contractId), {
    requiredApprovals: requiredApprovals(await readPolicy(ctx.em), p.payoutKobo),
    approvals,
    transactions: await countTransactionsInForce(ctx.em, p.contractId, p.periodStart, p.periodEnd),
  });
}

export interface AdjustmentView {
  contract: string;
  /** The payout whose period changed after it was decided. */
  payout: string;
  wasKobo: number;
  nowKobo: number;
  amountKobo: number;
  detectedAt: string;
  detectedBy: string;
  /** The payout that carries it, or null while it waits for the contract's next calculated payout. */
  carriedBy: string | null;
  carriedByStatus: string | null;
}

/** `payout adjustments --period`: the differences found for a period's decided payouts. */
export async function listAdjustments(ctx: ServiceContext, periodText: string): Promise<AdjustmentView[]> {
  const period = parsePeriod(periodText);
  const rows = await adjustmentsOfPeriod(ctx.em, period.label);
  return rows.map((r) => ({
    contract: r.contract,
    payout: r.source,
    wasKobo: Number(r.wasKobo),
    nowKobo: Number(r.nowKobo),
    amountKobo: Number(r.amountKobo),
    detectedAt: toIsoLagos(new Date(r.detectedAt)),
    detectedBy: r.detectedBy,
    carriedBy: r.carriedBy,
    carriedByStatus: r.carriedByStatus,
  }));
}
