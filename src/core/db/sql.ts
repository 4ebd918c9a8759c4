import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Raw SQL with PostgreSQL's own `$1` placeholders, run on the connection of the EntityManager's
 * current transaction when there is one (so it commits or rolls back with the ORM's writes).
 * Bulk and set-based work (imports, payout aggregation, work queues) goes through here; ordinary
 * reads and writes of single entities go through the EntityManager.
 */
export interface PgClientLike {
  query(text: string, params?: unknown[]): Promise<{ rows: any[]; rowCount: number | null }>;
  query<T>(stream: T): T;
}

export async function withConnection<T>(
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

export async function query<T = Record<string, unknown>>(
  em: EntityManager,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  return withConnection(em, async (c) => (await c.query(text, params)).rows as T[]);
}

/** Runs a statement and returns how many rows it touched. */
export async function execute(em: EntityManager, text: string, params: unknown[] = []): Promise<number> {
  return withConnection(em, async (c) => (await c.query(text, params)).rowCount ?? 0);
}

export async function queryOne<T = Record<string, unknown>>(
  em: EntityManager,
  text: string,
  params: unknown[] = [],
): Promise<T | undefined> {
  return (await query<T>(em, text, params))[0];
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
