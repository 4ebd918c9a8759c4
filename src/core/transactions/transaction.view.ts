import { isoTimestamp } from '../db/values.js';
import { koboToJson } from '../money.js';
import type { TransactionRow } from './transaction.sql.js';

/** A transaction as `transaction list|show` print it and `--json` shows it. */
export interface TransactionView {
  reference: string;
  hospital: string;
  occurredAt: string;
  amountKobo: number;
  kind: 'payment' | 'refund';
  importedAt: string;
  /** For a void: the reference of the transaction it voids. */
  voids: string | null;
  voidReason: string | null;
  /** For a voided transaction: the reference of its void. */
  voidedBy: string | null;
}

export function toTransactionView(t: TransactionRow): TransactionView {
  return {
    reference: t.reference,
    hospital: t.hospital,
    occurredAt: isoTimestamp(t.occurredAt),
    amountKobo: koboToJson(t.amountKobo),
    kind: t.kind,
    importedAt: isoTimestamp(t.importedAt),
    voids: t.voids,
    voidReason: t.voidReason,
    voidedBy: t.voidedBy,
  };
}
