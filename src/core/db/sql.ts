/**
 * Raw SQL for set-based work: imports, the payout aggregation, work queues (SKIP LOCKED), grouped
 * reports. Single-row reads and writes go through the EntityManager and the entities'
 * repositories instead (docs/decisions.md, "Where code goes").
 *
 * Statements are written with PostgreSQL's own `$1` placeholders and run through MikroORM's public
 * API: the connection's knex instance (`getKnex()`), bound to the EntityManager's current
 * transaction (`getTransactionContext()`) when there is one, so they commit or roll back with the
 * ORM's writes. Values go to the server as bind parameters (arrays, dates and bigints as `pg`
 * sends them), never formatted into the text.
 */
import type { EntityManager, Knex } from '@mikro-orm/postgresql';

export interface SqlResult<T> {
  rows: T[];
  rowCount: number | null;
}

/** A statement in knex's dialect: `?` per value in order, a literal `?` written `\?`. */
interface KnexStatement {
  text: string;
  /** For each `?`, which of the caller's `$n` values (0-based) it takes. */
  order: number[];
}

const converted = new Map<string, KnexStatement>();

/**
 * Rewrites `$n` placeholders to knex's positional `?` (a `$n` used twice takes its value twice)
 * and escapes the `?` already in the text (jsonb operators, literals). Statements are mostly
 * constants, so each text is converted once.
 */
function toKnexStatement(text: string): KnexStatement {
  let statement = converted.get(text);
  if (statement) return statement;
  const order: number[] = [];
  const knexText = text.replace(/\?|\$(\d+)/g, (_match, n: string | undefined) => {
    if (n === undefined) return '\\?';
    order.push(Number(n) - 1);
    return '?';
  });
  statement = { text: knexText, order };
  if (converted.size < 1000) converted.set(text, statement);
  return statement;
}

/** Runs one statement (or, without parameters, a script of several) and returns pg's result. */
export async function run<T = Record<string, unknown>>(
  em: EntityManager,
  text: string,
  params: readonly unknown[] = [],
): Promise<SqlResult<T>> {
  // Knex drops the backslashes before a `?` (its escape): such a text, only possible inside a
  // literal, goes to pg unchanged.
  if (text.includes('\\?')) return withRawConnection(em, (client) => client.query(text, [...params]));
  const statement = toKnexStatement(text);
  const values: Knex.RawBinding[] = statement.order.map((i) => {
    if (i < 0 || i >= params.length) throw new RangeError(`no value for $${i + 1} in: ${text.slice(0, 80)}`);
    return (params[i] ?? null) as Knex.RawBinding;
  });
  const raw = em.getConnection().getKnex().raw(statement.text, values);
  const trx = em.getTransactionContext();
  if (trx) raw.transacting(trx);
  return (await raw) as unknown as SqlResult<T>;
}

export async function query<T = Record<string, unknown>>(
  em: EntityManager,
  text: string,
  params: readonly unknown[] = [],
): Promise<T[]> {
  return (await run<T>(em, text, params)).rows;
}

/**
 * What a read needs of a database: statements and their rows. A plain `pg` connection
 * (reader.ts, no MikroORM loaded) or an EntityManager's (`sqlReader`), so that the same named
 * query serves both.
 */
export interface SqlReader {
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

/** The EntityManager's connection (and transaction) as a SqlReader. */
export function sqlReader(em: EntityManager): SqlReader {
  return { query: (text, params) => query(em, text, params) };
}

/** Runs a statement and returns how many rows it touched. */
export async function execute(
  em: EntityManager,
  text: string,
  params: readonly unknown[] = [],
): Promise<number> {
  return (await run(em, text, params)).rowCount ?? 0;
}

export async function queryOne<T = Record<string, unknown>>(
  em: EntityManager,
  text: string,
  params: readonly unknown[] = [],
): Promise<T | undefined> {
  return (await query<T>(em, text, params))[0];
}

/**
 * The raw `pg` connection of the EntityManager's current transaction (or one from the pool), for
 * what only it can do: COPY streams (pg-copy-streams) and the patient import's pipelined batch
 * scripts. Knex has no public API for this; it is the one place that reaches into its client.
 */
export interface PgClientLike {
  query(text: string, params?: unknown[]): Promise<{ rows: any[]; rowCount: number | null }>;
  query<T>(stream: T): T;
}

export async function withRawConnection<T>(
  em: EntityManager,
  fn: (client: PgClientLike) => Promise<T>,
): Promise<T> {
  const trx = em.getTransactionContext() as { client: KnexClient } | undefined;
  const client: KnexClient = trx ? trx.client : (em.getConnection().getKnex().client as KnexClient);
  const connection = await client.acquireConnection();
  try {
    return await fn(connection);
  } finally {
    // Inside a transaction the connection belongs to the transaction: releasing is a no-op there.
    if (!trx) await client.releaseConnection(connection);
  }
}

interface KnexClient {
  acquireConnection(): Promise<PgClientLike>;
  releaseConnection(connection: PgClientLike): Promise<unknown>;
}

/**
 * A value written into SQL text, for scripts of several statements sent in one round trip (the
 * simple-query protocol takes no parameters). Strings are escape-string literals (`E'…'` with
 * backslashes and quotes doubled), correct whatever `standard_conforming_strings` says.
 */
export function sqlLiteral(value: string | number | null): string {
  if (value === null) return 'null';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
    return String(value);
  }
  if (value.includes('\0')) throw new RangeError('a NUL character cannot be stored in PostgreSQL text');
  return `E'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/** A table, column or role name written into SQL text, double-quoted (quotes in it doubled). */
export function sqlIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * For the rest of the current transaction, plans every parameterised query afresh instead of
 * reusing a plan cached for the session. For a transaction that writes a foreign key to a table
 * filling up under it (`messages` during a send): PostgreSQL checks such a key per row with a
 * plan it caches for the session, and one planned while `messages` held a handful of rows (a new
 * install's first campaign) stays a sequential scan of a table the send keeps growing — each group
 * slower than the last (20,000 SMS: 19.7 of 35 s in one statement). Planned afresh, the check is
 * an index lookup. Session-wide it would cost a re-plan per row in bulk loads, hence per
 * transaction.
 */
export async function planEachQueryAfresh(em: EntityManager): Promise<void> {
  await run(em, 'set local plan_cache_mode = force_custom_plan');
}

/**
 * For the rest of the current transaction, plans a statement that touches a few hundred rows of
 * a table of up to millions by their keys as such: planned for its own parameters
 * (`planEachQueryAfresh`'s reason), and with the random page cost of a table in memory (1.1, the
 * usual setting for SSDs) instead of 4. At the default, PostgreSQL judged 1,000 key lookups dearer
 * than reading a 100,000-row campaign whole into a hash — 98 ms against 14 ms measured, and ten
 * times worse at a million — for the campaign send's per-group statements.
 */
export async function planForKeyLookups(em: EntityManager): Promise<void> {
  await run(
    em,
    `select set_config('plan_cache_mode', 'force_custom_plan', true), set_config('random_page_cost', '1.1', true)`,
  );
}
