import { readPolicy, requiredApprovals } from '../access/policy.js';
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { underDatabaseRules } from '../db/driver-errors.js';
import { ConflictError, ValidationError } from '../errors.js';
import { payoutRepository } from './payout.repository.js';
import type { DecisionResult } from './payout.view.js';
import { PayoutApproval } from './payout-approval.entity.js';

/** `payout reject`: rejects a calculated payout with a reason; it is never recomputed or paid. */
export async function rejectPayout(
  ctx: ServiceContext,
  ref: string,
  reason: string,
): Promise<DecisionResult> {
  if (!reason?.trim()) throw new ValidationError('reason', reason, 'is required');
  return underDatabaseRules(
    ctx.em.transactional(async (em) => {
      const p = await payoutRepository(em).getByRef(ref, { lock: true });
      if (p.status !== 'calculated')
        throw new ConflictError(
          'payout_not_calculated',
          `payout ${p.reference} is ${p.status}: only a calculated payout can be rejected`,
        );
      em.create(PayoutApproval, {
        payout: p,
        revision: p.revision,
        decision: 'reject',
        operator: ctx.actor.operator,
        reason: reason.trim(),
      } as never);
      p.status = 'rejected';
      p.rejectionReason = reason.trim();
      await em.flush();
      await recordAudit(em, ctx.actor, 'payout', p.id, { action: 'reject', reference: p.reference, reason });
      return {
        id: p.id,
        reference: p.reference,
        status: 'rejected',
        approvals: 0,
        requiredApprovals: requiredApprovals(await readPolicy(em), p.payoutKobo),
      };
    }),
  );
}
