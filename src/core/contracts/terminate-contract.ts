import { DateTime } from 'luxon';
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { ConflictError, ValidationError } from '../errors.js';
import { LAGOS, lagosDate, requireCalendarDate } from '../time.js';
import { ContractMilestone } from './contract.entity.js';
import { contractView } from './contract.queries.js';
import { contractRepository } from './contract.repository.js';
import type { ContractView } from './contract.view.js';

export interface TerminateContractInput {
  reason: string;
  /** Last day in force, YYYY-MM-DD (default today, Lagos). */
  effective?: string;
}

/** Ends an active contract with a reason; `effective` is the last day in force (default today). */
export async function terminateContract(
  ctx: ServiceContext,
  ref: string,
  input: TerminateContractInput,
): Promise<ContractView> {
  const reason = input.reason?.trim();
  if (!reason) throw new ValidationError('reason', input.reason, 'is required');
  const now = ctx.clock.now().toISO()!;
  const effective = input.effective
    ? requireCalendarDate(input.effective, 'effective')
    : lagosDate(ctx.clock.now());
  return ctx.em.transactional(async (em) => {
    const c = await contractRepository(em).getByRef(ref, { lock: true });
    if (c.status !== 'active')
      throw new ConflictError(
        'contract_not_active',
        `contract ${c.number} is ${c.status}: only an active contract can be terminated`,
      );
    if (c.endDate != null && effective > c.endDate)
      throw new ValidationError('effective', effective, `is after the contract's end date ${c.endDate}`);
    // Terminating before the start leaves no day in force: the day before the start.
    const lastDay = effective < c.startDate ? dayBefore(c.startDate) : effective;
    c.status = 'terminated';
    c.terminationReason = reason;
    c.terminatedOn = lastDay;
    c.terminatedAt = new Date(now);
    c.updatedAt = new Date(now);
    await em.flush();
    // Reviews due after the last day in force will not happen.
    const cancelled = await em.nativeUpdate(
      ContractMilestone,
      { contract: c.id, status: 'pending', dueDate: { $gt: lastDay } },
      { status: 'cancelled' },
    );
    await recordAudit(em, ctx.actor, 'contract', c.id, {
      action: 'terminate',
      number: c.number,
      reason,
      terminatedOn: lastDay,
      milestonesCancelled: cancelled,
    });
    return contractView(em, c);
  });
}

/** The calendar day before `date` (YYYY-MM-DD). */
function dayBefore(date: string): string {
  return DateTime.fromISO(date, { zone: LAGOS }).minus({ days: 1 }).toISODate()!;
}
