/**
 * The set-based SQL of `crm transaction import`'s batched path: a batch of distinct references is
 * COPYed into a staging table, the references `hospital_transaction` already knows are looked up
 * in one statement, and the new ones inserted in one INSERT … SELECT … ON CONFLICT DO NOTHING.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { withRawConnection } from '../db/sql.js';
import type { StageValue } from '../imports/copy-encoders.js';
import { loadStageRows, type StageLoad } from '../imports/stage-load.js';

/** Serialises the batch writes of concurrent transaction imports (pg_advisory_xact_lock). */
export const TRANSACTION_IMPORT_LOCK_KEY = 73_010_003;

const STAGE_COLUMNS = [
  ['row_no', 'int'],
  ['reference', 'text'],
  ['hospital_id', 'uuid'],
  ['occurred_at', 'timestamptz'],
  ['amount_kobo', 'bigint'],
  ['kind', 'text'],
] as const;

/**
 * Settings of a batch's transaction, after its advisory lock.
 * - Occurred-at values without an offset are Lagos time: PostgreSQL reads them so in this session.
 * - A batch is small next to the transactions table: index lookups, not a hash of the table.
 * - The staging table goes with the commit.
 */
const BATCH_SETUP = [
  "set local timezone = 'Africa/Lagos'",
  'set local enable_hashjoin = off',
  'set local enable_mergejoin = off',
  'set local jit = off',
  'drop table if exists pg_temp.transaction_stage',
  `create temp table transaction_stage (${STAGE_COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')}) on commit drop`,
];

/**
 * The staged rows whose reference is already imported: the stored values (hospital by code, for
 * the errors file) and which of them the row repeats.
 */
const KNOWN_REFERENCES = `select s.row_no, h.code as hospital, t.occurred_at, t.amount_kobo::text as amount_kobo, t.kind,
    t.hospital_id = s.hospital_id as same_hospital, t.occurred_at = s.occurred_at as same_time,
    t.amount_kobo = s.amount_kobo as same_amount, t.kind = s.kind as same_kind
  from transaction_stage s
  join hospital_transaction t on t.reference = s.reference
  join hospital h on h.id = t.hospital_id`;

/** The staged rows with new references; imported_at: the column's default, this database transaction's time. */
const INSERT_NEW = `insert into hospital_transaction (reference, hospital_id, occurred_at, amount_kobo, kind)
  select reference, hospital_id, occurred_at, amount_kobo, kind from transaction_stage
  on conflict (reference) do nothing`;

export interface KnownReference {
  row_no: number;
  hospital: string;
  occurred_at: Date | string;
  amount_kobo: string;
  kind: string;
  same_hospital: boolean;
  same_time: boolean;
  same_amount: boolean;
  same_kind: boolean;
}

/**
 * Writes one batch of distinct references (rows in STAGE_COLUMNS order) on the transaction of
 * `tem`: how many were inserted, and the known references among them.
 */
export async function writeTransactionBatch(
  tem: EntityManager,
  rows: StageValue[][],
  load: StageLoad,
): Promise<{ inserted: number; known: KnownReference[] }> {
  return withRawConnection(tem, async (client) => {
    await client.query('select pg_advisory_xact_lock($1)', [TRANSACTION_IMPORT_LOCK_KEY]);
    for (const statement of BATCH_SETUP) await client.query(statement);
    await loadStageRows(client, 'transaction_stage', STAGE_COLUMNS, rows, load);
    const known = (await client.query(KNOWN_REFERENCES)).rows as KnownReference[];
    const inserted = (await client.query(INSERT_NEW)).rowCount ?? 0;
    return { inserted, known };
  });
}
