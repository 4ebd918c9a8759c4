/**
 * `payout reopen`: a rejected payout (a rejection made in error, or whose reason is resolved) goes
 * back to `calculated` with a new revision: the next `payout run` of its period recalculates it
 * with the revenue as it is then, and it is approved afresh. Only a rejected payout is reopened
 * (exit 5 otherwise); trigger payout_guard lets only an approver make the move.
 */
import type { ServiceContext } from '../context.js';
import { type BackToCalculatedResult, backToCalculated } from './unapprove-payout.js';

export function reopenPayout(ctx: ServiceContext, ref: string): Promise<BackToCalculatedResult> {
  return backToCalculated(ctx, ref, 'rejected', 'reopen');
}
