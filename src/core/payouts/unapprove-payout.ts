/**
 * `payout unapprove`: takes back an approval before the payout is exported (a mistake seen in
 * time). The payout goes back to `calculated` with a new revision, so the approvals given count
 * no more and it needs its approvers again; the next run recalculates it like any calculated
 * payout. Once exported the bank has the file: refused (exit 5), as by trigger payout_guard,
 * which also lets only an approver (crm_approver) make the move.
 */
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { underDatabaseRules } from '../db/driver-errors.js';
import { ConflictError } from '../errors.js';
import { payoutRepository } from './payout.repository.js';

export interface BackToCalculatedResult {
  reference: string;
  period: string;
  status: 'calculated';
  was: string;
  revision: number;
}

export async function unapprovePayout(ctx: ServiceContext, ref: string): Promise<BackToCalculatedResult> {
  return backToCalculated(ctx, ref, 'approved', 'unapprove');
}

/** Moves a payout in state `from` back to `calculated` with a new revision, audited as `action`. */
export async function backToCalculated(
  ctx: ServiceContext,
  ref: string,
  from: 'approved' | 'rejected',
  action: 'unapprove' | 'reopen',
): Promise<BackToCalculatedResult> {
  return underDatabaseRules(
    ctx.em.transactional(async (em) => {
      const p = await payoutRepository(em).getByRef(ref, { lock: true });
      if (p.status !== from)
        throw new ConflictError(
          `payout_not_${from}`,
          from === 'approved'
            ? `payout ${p.reference} is ${p.status}: only an approved payout not yet exported can be unapproved`
            : `payout ${p.reference} is ${p.status}: only a rejected payout can be reopened`,
        );
      const was = p.status;
      p.status = 'calculated';
      p.revision += 1;
      p.rejectionReason = null;
      p.approvedAt = null;
      await em.flush();
      await recordAudit(em, ctx.actor, 'payout', p.id, {
        action,
        reference: p.reference,
        was,
        revision: p.revision,
      });
      return { reference: p.reference, period: p.period, status: 'calculated', was, revision: p.revision };
    }),
  );
}
