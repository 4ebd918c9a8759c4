import type { Duration } from 'luxon';
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { ConflictError, ValidationError } from '../errors.js';
import { lagosDate } from '../time.js';
import { ContractMilestone } from './contract.entity.js';
import { contractRepository, milestoneRepository } from './contract.repository.js';
import { type MilestoneView, toMilestoneView } from './contract.view.js';

export interface MilestoneFilters {
  /** Due within this window from now (overdue ones included). */
  dueWithin?: Duration;
  /** Only those whose due date has passed. */
  overdue?: boolean;
  /** Only this contract's (number or id). */
  contract?: string;
  /** Completed and cancelled ones too. */
  all?: boolean;
}

/** The most milestones a list shows. */
const LIST_LIMIT = 1000;

/** Milestones still to do: due within a window (overdue ones included), only overdue, or of one contract. */
export async function listMilestones(
  ctx: ServiceContext,
  filters: MilestoneFilters,
): Promise<MilestoneView[]> {
  const today = lagosDate(ctx.clock.now());
  const where: {
    status?: 'pending';
    contract?: string;
    dueDate?: { $lt?: string; $lte?: string };
  } = {};
  if (!filters.all) where.status = 'pending';
  if (filters.contract) where.contract = (await contractRepository(ctx.em).getByRef(filters.contract)).id;
  if (filters.overdue) where.dueDate = { $lt: today };
  if (filters.dueWithin)
    where.dueDate = { ...where.dueDate, $lte: lagosDate(ctx.clock.now().plus(filters.dueWithin)) };
  const milestones = await ctx.em.find(ContractMilestone, where, {
    populate: ['contract.hospital'],
    orderBy: [{ dueDate: 'asc' }, { contract: { number: 'asc' } }, { kind: 'asc' }],
    limit: LIST_LIMIT,
  });
  return milestones.map((m) => toMilestoneView(m, today));
}

/** Completes a milestone (by id or a unique id prefix of at least 8 characters), with notes and who. */
export async function completeMilestone(
  ctx: ServiceContext,
  ref: string,
  notes: string,
): Promise<MilestoneView> {
  if (!notes?.trim()) throw new ValidationError('notes', notes, 'is required');
  const now = ctx.clock.now().toISO()!;
  return ctx.em.transactional(async (em) => {
    const m = await milestoneRepository(em).getByRef(ref, { lock: true });
    if (m.status !== 'pending')
      throw new ConflictError('milestone_not_pending', `milestone ${m.id} is ${m.status}`);
    m.status = 'completed';
    m.completedAt = new Date(now);
    m.completedBy = ctx.actor.operator;
    m.notes = notes.trim();
    await em.flush();
    await recordAudit(em, ctx.actor, 'contract_milestone', m.id, { action: 'complete' });
    await em.populate(m, ['contract.hospital']);
    return toMilestoneView(m, lagosDate(ctx.clock.now()));
  });
}
