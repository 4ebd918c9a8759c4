import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { mikroCore } from '../db/mikro-orm.js';
import { ConflictError } from '../errors.js';
import { lagosDate } from '../time.js';
import type { Contract } from './contract.entity.js';
import { contractView } from './contract.queries.js';
import { contractRepository } from './contract.repository.js';
import { findOverlappingContract, insertMilestones } from './contract.sql.js';
import type { ContractView } from './contract.view.js';
import { planMilestones } from './milestone.planner.js';

/**
 * Activates a draft: refuses an overlap with another contract in force for the hospital, creates
 * the milestones, and expires the contract at once when its end date has already passed.
 */
export async function activateContract(
  ctx: ServiceContext,
  ref: string,
): Promise<ContractView & { milestones: number }> {
  const today = lagosDate(ctx.clock.now());
  const now = ctx.clock.now().toISO()!;
  return ctx.em.transactional(async (em) => {
    const c = await contractRepository(em).getByRef(ref, { lock: true });
    if (c.status !== 'draft')
      throw new ConflictError(
        'contract_not_draft',
        `contract ${c.number} is ${c.status}: only a draft can be activated`,
      );
    // Activations of one hospital take turns, so the check below sees every committed one.
    await em.lock(c.hospital, mikroCore.LockMode.PESSIMISTIC_WRITE);
    const clash = await findOverlappingContract(em, {
      id: c.id,
      hospitalId: c.hospital.id,
      start: c.startDate,
      end: c.endDate ?? null,
    });
    if (clash)
      throw new ConflictError(
        'contract_overlap',
        `hospital ${c.hospital.code} already has contract ${clash.number} (${clash.status}, ${clash.start_date} to ${clash.last_day ?? 'open-ended'}) overlapping ${inForce(c)}`,
      );
    const expired = c.endDate != null && c.endDate < today;
    c.status = expired ? 'expired' : 'active';
    c.activatedAt = new Date(now);
    c.updatedAt = new Date(now);
    if (expired) c.expiredAt = new Date(now);
    try {
      await em.flush();
    } catch (error) {
      // The exclusion constraint caught what the check could not see (a concurrent activation).
      // MikroORM's DriverException carries PostgreSQL's code over from the driver's error.
      if (sqlState(error) === '23P01')
        throw new ConflictError(
          'contract_overlap',
          `hospital ${c.hospital.code} already has a contract in force overlapping ${inForce(c)}`,
        );
      throw error;
    }
    const planned = planMilestones(c.startDate, c.endDate ?? null);
    await insertMilestones(em, c.id, planned);
    await recordAudit(em, ctx.actor, 'contract', c.id, {
      action: 'activate',
      number: c.number,
      expired,
      milestones: planned.length,
    });
    return { ...(await contractView(em, c)), milestones: planned.length };
  });
}

/** The days a contract is meant to be in force, as conflicts name them. */
const inForce = (c: Contract) => `${c.startDate} to ${c.endDate ?? 'open-ended'}`;

/** PostgreSQL's error code of a failed statement, from the driver's error or MikroORM's wrapper. */
function sqlState(error: unknown): string | undefined {
  const e = error as { code?: string; cause?: { code?: string } } | undefined;
  return e?.code ?? e?.cause?.code;
}
