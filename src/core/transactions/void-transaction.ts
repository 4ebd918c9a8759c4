/**
 * `transaction void REF --reason`: a transaction recorded by mistake is cancelled by a
 * compensating row — the opposite kind, the same amount, hospital and time, reference
 * `VOID-REF` — never deleted or changed (the table takes inserts only). Its period's revenue then
 * nets to what it would have been without it. When that period (its month, or its quarter) already
 * has payouts for the hospital's contracts, the void re-runs the period in the same transaction:
 * payouts still `calculated` are recomputed, and a payout already approved, exported or paid gets
 * the difference as an adjustment carried by the contract's next payout — as any re-run records it
 * (docs/payouts.md, "Late revenue"). Refused (exit 5): a void, a transaction already voided.
 */
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { underDatabaseRules } from '../db/driver-errors.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { runPayouts } from '../payouts/run-payouts.js';
import { insertVoid, periodsWithPayouts, selectTransaction } from './transaction.sql.js';
import { type TransactionView, toTransactionView } from './transaction.view.js';

export interface VoidResult {
  voided: TransactionView;
  void: TransactionView;
  /** Periods re-run because they had payouts, with the adjustments each run recorded. */
  reruns: { period: string; updated: number; adjustments: { reference: string; amountKobo: number }[] }[];
}

export async function voidTransaction(
  ctx: ServiceContext,
  reference: string,
  reason: string,
): Promise<VoidResult> {
  const why = reason?.trim();
  if (!why) throw new ValidationError('reason', reason, 'is required: say why the transaction is void');
  return underDatabaseRules(
    ctx.em.transactional(async (em) => {
      const original = await selectTransaction(em, reference.trim(), { lock: true });
      if (!original) throw new NotFoundError('transaction', reference);
      if (original.voids)
        throw new ConflictError(
          'transaction_is_void',
          `${original.reference} is the void of ${original.voids}: a void is not voided (import the transaction again under a new reference)`,
        );
      if (original.voidedBy)
        throw new ConflictError(
          'transaction_voided',
          `${original.reference} is already voided by ${original.voidedBy}`,
        );
      const voidRef = `VOID-${original.reference}`;
      await insertVoid(em, original, voidRef, why);
      const labels = [original.month, original.quarter];
      const reruns: VoidResult['reruns'] = [];
      for (const period of await periodsWithPayouts(em, original.hospitalId, labels)) {
        const run = await runPayouts({ ...ctx, em }, { period });
        reruns.push({
          period,
          updated: run.updated,
          adjustments: run.adjustments.map((a) => ({ reference: a.reference, amountKobo: a.amountKobo })),
        });
      }
      const both = {
        voided: (await selectTransaction(em, original.reference))!,
        void: (await selectTransaction(em, voidRef))!,
      };
      await recordAudit(em, ctx.actor, 'hospital_transaction', original.id, {
        action: 'void',
        reference: original.reference,
        void: voidRef,
        reason: why,
        amountKobo: original.amountKobo,
        reruns: reruns.map((r) => ({ period: r.period, adjustments: r.adjustments.length })),
      });
      return { voided: toTransactionView(both.voided), void: toTransactionView(both.void), reruns };
    }),
  );
}
