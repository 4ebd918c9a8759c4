/** Reads and the void of hospital transactions, set-based (rows are never managed one by one). */
import type { EntityManager } from '@mikro-orm/postgresql';
import { query, queryOne } from '../db/sql.js';

/** A transaction with its hospital's code and, for a voided one or a void, the other row's reference. */
export interface TransactionRow {
  id: string;
  reference: string;
  hospital: string;
  hospitalId: string;
  occurredAt: Date;
  amountKobo: bigint;
  kind: 'payment' | 'refund';
  importedAt: Date;
  voids: string | null;
  voidReason: string | null;
  voidedBy: string | null;
  /** The payout periods it falls in (Lagos time): `2026-10` and `2026-Q4`. */
  month: string;
  quarter: string;
}

const SELECT = `select t.id::text as id, t.reference, h.code as hospital, t.hospital_id as "hospitalId",
       t.occurred_at as "occurredAt", t.amount_kobo::text as "amountKobo", t.kind, t.imported_at as "importedAt",
       o.reference as voids, t.void_reason as "voidReason", v.reference as "voidedBy",
       to_char(t.occurred_at at time zone 'Africa/Lagos', 'YYYY-MM') as month,
       to_char(t.occurred_at at time zone 'Africa/Lagos', 'YYYY-"Q"Q') as quarter
  from hospital_transaction t join hospital h on h.id = t.hospital_id
  left join hospital_transaction o on o.id = t.voids_id
  left join hospital_transaction v on v.voids_id = t.id`;

type Raw = Omit<TransactionRow, 'amountKobo'> & { amountKobo: string };
const row = (r: Raw): TransactionRow => ({ ...r, amountKobo: BigInt(r.amountKobo) });

/**
 * A hospital's (or every hospital's) transactions in [from, to), newest first, at most `limit`:
 * the index on (hospital_id, occurred_at) serves a hospital's.
 */
export async function selectTransactions(
  em: EntityManager,
  filter: { hospitalId?: string; from?: string; to?: string; limit: number },
): Promise<TransactionRow[]> {
  const rows = await query<Raw>(
    em,
    `${SELECT}
     where ($1::uuid is null or t.hospital_id = $1) and ($2::timestamptz is null or t.occurred_at >= $2)
       and ($3::timestamptz is null or t.occurred_at < $3)
     order by t.occurred_at desc, t.id desc limit $4`,
    [filter.hospitalId ?? null, filter.from ?? null, filter.to ?? null, filter.limit],
  );
  return rows.map(row);
}

/** The transaction with this reference (exact, bytewise as the unique key); `lock` takes FOR UPDATE. */
export async function selectTransaction(
  em: EntityManager,
  reference: string,
  options: { lock?: boolean } = {},
): Promise<TransactionRow | undefined> {
  const r = await queryOne<Raw>(
    em,
    `${SELECT} where t.reference = $1${options.lock ? ' for update of t' : ''}`,
    [reference],
  );
  return r ? row(r) : undefined;
}

/**
 * Records the void of a transaction: a new row of the opposite kind with the same amount,
 * hospital and time (checked again by trigger hospital_transaction_void_guard), so the revenue
 * of its day nets to what it would have been without it.
 */
export async function insertVoid(
  em: EntityManager,
  voided: TransactionRow,
  reference: string,
  reason: string,
): Promise<void> {
  await query(
    em,
    `insert into hospital_transaction (reference, hospital_id, occurred_at, amount_kobo, kind, voids_id, void_reason)
     select $1, hospital_id, occurred_at, amount_kobo, case kind when 'payment' then 'refund' else 'payment' end, id, $3
     from hospital_transaction where id = $2::bigint`,
    [reference, voided.id, reason],
  );
}

/** The periods (of `labels`) in which a contract of the hospital has a payout. */
export async function periodsWithPayouts(
  em: EntityManager,
  hospitalId: string,
  labels: string[],
): Promise<string[]> {
  const rows = await query<{ period: string }>(
    em,
    `select distinct p.period from payout p join contract c on c.id = p.contract_id
     where c.hospital_id = $1 and p.period = any($2::text[]) order by 1`,
    [hospitalId, labels],
  );
  return rows.map((r) => r.period);
}
