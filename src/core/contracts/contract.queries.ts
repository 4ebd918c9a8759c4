import type { EntityManager } from '@mikro-orm/postgresql';
import type { ServiceContext } from '../context.js';
import { ValidationError } from '../errors.js';
import { hospitalRepository } from '../hospitals/hospital.repository.js';
import { koboToJson } from '../money.js';
import { ownerRepository } from '../owners/owner.repository.js';
import { lagosDate } from '../time.js';
import { CONTRACT_STATUSES, Contract, ContractMilestone, type ContractStatus } from './contract.entity.js';
import { contractRepository } from './contract.repository.js';
import { type ContractPayoutRow, contractPayouts, ownerNames } from './contract.sql.js';
import {
  type ContractDetail,
  type ContractPerformance,
  type ContractView,
  toContractView,
  toMilestoneView,
} from './contract.view.js';

/** The views of contracts whose hospitals are loaded (their owners' names in one query). */
export async function contractViews(
  em: EntityManager,
  contracts: readonly Contract[],
): Promise<ContractView[]> {
  const names = await ownerNames(
    em,
    contracts.map((c) => c.ownerId),
  );
  return contracts.map((c) => toContractView(c, names.get(c.ownerId)!));
}

/** The view of one contract whose hospital is loaded. */
export async function contractView(em: EntityManager, contract: Contract): Promise<ContractView> {
  return (await contractViews(em, [contract]))[0];
}

/** Contracts by number, optionally of one status, hospital or owner. */
export async function listContracts(
  ctx: ServiceContext,
  filters: { status?: string; hospital?: string; owner?: string },
): Promise<ContractView[]> {
  const where: { status?: ContractStatus; hospital?: string; ownerId?: string } = {};
  if (filters.status) {
    if (!(CONTRACT_STATUSES as readonly string[]).includes(filters.status))
      throw new ValidationError('status', filters.status, `use ${CONTRACT_STATUSES.join(', ')}`);
    where.status = filters.status as ContractStatus;
  }
  if (filters.hospital) where.hospital = (await hospitalRepository(ctx.em).getByRef(filters.hospital)).id;
  if (filters.owner) where.ownerId = (await ownerRepository(ctx.em).getByRef(filters.owner)).id;
  const contracts = await ctx.em.find(Contract, where, {
    populate: ['hospital'],
    orderBy: { number: 'asc' },
  });
  return contractViews(ctx.em, contracts);
}

/** A contract with its milestones and its performance per payout period. */
export async function showContract(ctx: ServiceContext, ref: string): Promise<ContractDetail> {
  const em = ctx.em;
  const c = await contractRepository(em).getByRef(ref);
  const today = lagosDate(ctx.clock.now());
  const milestones = await em.find(
    ContractMilestone,
    { contract: c },
    { orderBy: [{ dueDate: 'asc' }, { kind: 'asc' }] },
  );
  return {
    ...(await contractView(em, c)),
    milestones: milestones.map((m) => toMilestoneView(m, today)),
    performance: performanceOf(await contractPayouts(em, c.id)),
  };
}

/**
 * Totals over a contract's payouts, rejected ones left out of them (but listed among the
 * periods): revenue, owner share, guarantee top-ups and how many periods needed one, and the net
 * amounts paid and still outstanding.
 */
function performanceOf(rows: readonly ContractPayoutRow[]): ContractPerformance {
  const k = (v: string) => BigInt(v);
  let revenue = 0n;
  let share = 0n;
  let topUps = 0n;
  let below = 0;
  let paid = 0n;
  let outstanding = 0n;
  for (const r of rows) {
    if (r.status === 'rejected') continue;
    revenue += k(r.gross);
    share += k(r.share);
    topUps += k(r.top_up);
    if (k(r.top_up) > 0n) below++;
    if (r.status === 'paid') paid += k(r.net);
    else outstanding += k(r.net);
  }
  return {
    periods: rows.map((r) => ({
      period: r.period,
      status: r.status,
      grossRevenueKobo: koboToJson(k(r.gross)),
      ownerShareKobo: koboToJson(k(r.share)),
      guaranteeKobo: koboToJson(k(r.guarantee)),
      topUpKobo: koboToJson(k(r.top_up)),
      payoutKobo: koboToJson(k(r.payout)),
      netKobo: koboToJson(k(r.net)),
    })),
    revenueKobo: koboToJson(revenue),
    ownerShareKobo: koboToJson(share),
    topUpsKobo: koboToJson(topUps),
    periodsBelowGuarantee: below,
    paidKobo: koboToJson(paid),
    outstandingKobo: koboToJson(outstanding),
  };
}
