/**
 * `payout retry`: a payout the bank refused (`failed`, from `payout reconcile`) goes back to
 * `approved`, so that the next `payout export` of its period writes it again — after the owner's
 * bank details are corrected, typically. Nothing else makes a failed payout exportable: a refused
 * transfer is never resent by accident. Its approvals stand (the amount did not change); the
 * bank's note of the failure stays on it until the next confirmation.
 */
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { underDatabaseRules } from '../db/driver-errors.js';
import { ConflictError, ValidationError } from '../errors.js';
import { payoutRepository } from './payout.repository.js';

export interface RetryResult {
  reference: string;
  period: string;
  status: 'approved';
}

/** Re-queues failed payouts for export, all or none. */
export async function retryPayouts(ctx: ServiceContext, refs: string[]): Promise<RetryResult[]> {
  if (refs.length === 0) throw new ValidationError('payout', undefined, 'name at least one payout');
  return underDatabaseRules(
    ctx.em.transactional(async (em) => {
      const results: (RetryResult & { id: string })[] = [];
      for (const ref of refs) {
        const p = await payoutRepository(em).getByRef(ref, { lock: true });
        if (p.status !== 'failed')
          throw new ConflictError(
            'payout_not_failed',
            `payout ${p.reference} is ${p.status}: only a payout the bank refused (failed) is retried`,
          );
        p.status = 'approved';
        p.bankStatus = null;
        results.push({ id: p.id, reference: p.reference, period: p.period, status: 'approved' });
      }
      await em.flush();
      for (const r of results)
        await recordAudit(em, ctx.actor, 'payout', r.id, { action: 'retry', reference: r.reference });
      return results.map(({ id: _id, ...r }) => r);
    }),
  );
}
