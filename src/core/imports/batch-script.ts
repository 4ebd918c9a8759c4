/**
 * Batch statements of the imports as pipelined scripts on the raw connection (withRawConnection):
 * a batch's steps are each one round trip.
 */
import type { Database } from '../db/database.js';
import type { PgClientLike } from '../db/sql.js';

/**
 * Runs statements in order on one connection and returns the rows of each. On PostgreSQL they go
 * as one script in one round trip (the round trips between separate statements were a noticeable
 * part of a big import); PGlite's `pg` shim takes one statement per query.
 */
export async function runScript(
  client: PgClientLike,
  kind: Database['kind'],
  statements: string[],
): Promise<any[][]> {
  if (kind !== 'postgresql') {
    const rows: any[][] = [];
    for (const statement of statements) rows.push((await client.query(statement)).rows);
    return rows;
  }
  const result = (await client.query(statements.join(';\n'))) as unknown as
    | { rows: any[] }
    | { rows: any[] }[];
  return (Array.isArray(result) ? result : [result]).map((r) => r.rows);
}
