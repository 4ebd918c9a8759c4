import { formatNairaPlain } from '../../core/money.js';
import type { TransactionView } from '../../core/transactions/transaction.view.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson, printRecord } from '../_shared/render.js';

/** Naira with two decimals, no symbol or separators (`5000.50`): the same on a terminal and in TSV. */
export const naira = (t: TransactionView) => formatNairaPlain(BigInt(t.amountKobo));

/** What a transaction is besides its kind: a void of another, or voided by another. */
export const note = (t: TransactionView) =>
  t.voids ? `void of ${t.voids}` : t.voidedBy ? `voided by ${t.voidedBy}` : '';

export async function printTransaction(ctx: CommandContext, t: TransactionView): Promise<void> {
  if (ctx.json) return printJson(ctx, t);
  await printRecord(ctx, [
    ['reference', t.reference],
    ['hospital', t.hospital],
    ['occurred', t.occurredAt],
    ['amount', naira(t)],
    ['kind', t.kind],
    ['imported', t.importedAt],
    ['void of', t.voids],
    ['void reason', t.voidReason],
    ['voided by', t.voidedBy],
  ]);
}
