/**
 * `payout approve`: maker-checker approval of payouts (SPEC §1 "Approval"). An operator who ran
 * the payout's period cannot approve its payouts; payouts above `CRM_DUAL_APPROVAL_KOBO` need two
 * different approvers. Every decision is a `payout_approvals` row, counted only for the payout's
 * current revision (a re-run that changes the amounts needs fresh approvals).
 */
import { recordAudit } from '../audit/audit.js';
import type { Config } from '../config.js';
import type { ServiceContext } from '../context.js';
import { ConflictError, ValidationError } from '../errors.js';
import { formatNaira } from '../money.js';
import { payoutRepository } from './payout.repository.js';
import type { DecisionResult } from './payout.view.js';
import { PayoutApproval } from './payout-approval.entity.js';
import { PayoutRun } from './payout-run.entity.js';

/** How many different approvers a payout of this amount needs. */
export function requiredApprovals(config: Config, payoutKobo: bigint): number {
  return payoutKobo > config.dualApprovalKobo ? 2 : 1;
}

/** Approves payouts, all or none: the first refusal leaves every payout of the command as it was. */
export async function approvePayouts(ctx: ServiceContext, refs: string[]): Promise<DecisionResult[]> {
  if (refs.length === 0) throw new ValidationError('payout', undefined, 'name at least one payout');
  const now = ctx.clock.now().toISO()!;
  const { operator } = ctx.actor;
  return ctx.em.transactional(async (em) => {
    const results: DecisionResult[] = [];
    for (const ref of refs) {
      const p = await payoutRepository(em).getByRef(ref, { lock: true });
      if (p.status !== 'calculated')
        throw new ConflictError(
          'payout_not_calculated',
          `payout ${p.reference} is ${p.status}: only a calculated payout can be approved`,
        );
      if (await em.findOne(PayoutRun, { period: p.period, operator }, { fields: ['id'] }))
        throw new ConflictError(
          'maker_checker',
          `maker-checker rule: ${operator} ran payout period ${p.period} and cannot approve its payouts (${p.reference}); another operator must approve`,
        );
      const approve = { payout: p, revision: p.revision, decision: 'approve' } as const;
      if (await em.findOne(PayoutApproval, { ...approve, operator }, { fields: ['id'] }))
        throw new ConflictError(
          'dual_approval',
          `dual approval rule: ${operator} already approved ${p.reference}; payouts above ${formatNaira(ctx.config.dualApprovalKobo)} need a second, different approver`,
        );
      em.create(PayoutApproval, { ...approve, operator, decidedAt: new Date(now) });
      await em.flush();
      // One decision per (payout, revision, operator): rows are different approvers.
      const approvals = await em.count(PayoutApproval, approve);
      const required = requiredApprovals(ctx.config, p.payoutKobo);
      const status = approvals >= required ? 'approved' : 'calculated';
      if (status === 'approved') {
        p.status = 'approved';
        p.approvedAt = new Date(now);
        await em.flush();
      }
      await recordAudit(
        em,
        ctx.actor,
        'payout',
        p.id,
        { action: 'approve', reference: p.reference, revision: p.revision, approvals, required, status },
        now,
      );
      results.push({ id: p.id, reference: p.reference, status, approvals, requiredApprovals: required });
    }
    return results;
  });
}
