import type { ServiceContext } from '../context.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { hospitalRepository } from '../hospitals/hospital.repository.js';
import { parsePeriod } from '../time.js';
import { selectTransaction, selectTransactions } from './transaction.sql.js';
import { type TransactionView, toTransactionView } from './transaction.view.js';

export interface ListTransactionsInput {
  hospital?: string;
  /** `YYYY-MM` or `YYYY-Qn`, Lagos time. */
  period?: string;
  limit?: string | number;
}

/** Transactions, newest first (at most `limit`, default 100), voids and voided ones marked. */
export async function listTransactions(
  ctx: ServiceContext,
  input: ListTransactionsInput,
): Promise<TransactionView[]> {
  const limit = Number(input.limit ?? 100);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000)
    throw new ValidationError('limit', input.limit, 'a whole number from 1 to 100000');
  const period = input.period ? parsePeriod(input.period) : undefined;
  const hospital = input.hospital ? await hospitalRepository(ctx.em).getByRef(input.hospital) : undefined;
  const rows = await selectTransactions(ctx.em, {
    hospitalId: hospital?.id,
    from: period?.start.toISO() ?? undefined,
    to: period?.end.toISO() ?? undefined,
    limit,
  });
  return rows.map(toTransactionView);
}

export async function showTransaction(ctx: ServiceContext, reference: string): Promise<TransactionView> {
  const row = await selectTransaction(ctx.em, reference.trim());
  if (!row) throw new NotFoundError('transaction', reference);
  return toTransactionView(row);
}
