/**
 * `payout approve`: maker-checker approval of payouts (SPEC §1 "Approval"). The rules live in the
 * database (access-control migration), whoever connects: an approval by anyone who ran the
 * payout's period is refused (CR001), one person counts once (CR002), and the move to `approved`
 * needs as many different approvers as the policy's threshold demands. This operation records the
 * decision and moves the payout when the count is reached; the database checks both again.
 * Approvals count only for the payout's current revision (a re-run that changes the amounts needs
 * fresh approvals).
 */
import { readPolicy, requiredApprovals } from '../access/policy.js';
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { underDatabaseRules } from '../db/driver-errors.js';
import { ConflictError, ValidationError } from '../errors.js';
import { payoutRepository } from './payout.repository.js';
import type { DecisionResult } from './payout.view.js';
import { PayoutApproval } from './payout-approval.entity.js';

/** Approves payouts, all or none: the first refusal leaves every payout of the command as it was. */
export async function approvePayouts(ctx: ServiceContext, refs: string[]): Promise<DecisionResult[]> {
  if (refs.length === 0) throw new ValidationError('payout', undefined, 'name at least one payout');
  const { operator } = ctx.actor;
  return underDatabaseRules(
    ctx.em.transactional(async (em) => {
      const policy = await readPolicy(em);
      const results: DecisionResult[] = [];
      for (const ref of refs) {
        const p = await payoutRepository(em).getByRef(ref, { lock: true });
        if (p.status !== 'calculated')
          throw new ConflictError(
            'payout_not_calculated',
            `payout ${p.reference} is ${p.status}: only a calculated payout can be approved`,
          );
        const approve = { payout: p, revision: p.revision, decision: 'approve' } as const;
        // The database stamps the approver (a person's login) and the time (its clock).
        em.create(PayoutApproval, { ...approve, operator } as never);
        await em.flush();
        // One decision per (payout, revision, operator): rows are different approvers.
        const approvals = await em.count(PayoutApproval, approve);
        const required = requiredApprovals(policy, p.payoutKobo);
        const status = approvals >= required ? 'approved' : 'calculated';
        if (status === 'approved') {
          p.status = 'approved';
          await em.flush();
        }
        results.push({ id: p.id, reference: p.reference, status, approvals, requiredApprovals: required });
      }
      for (const r of results)
        await recordAudit(em, ctx.actor, 'payout', r.id, {
          action: 'approve',
          reference: r.reference,
          approvals: r.approvals,
          required: r.requiredApprovals,
          status: r.status,
        });
      return results;
    }),
  );
}
