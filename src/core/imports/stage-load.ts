/**
 * Loading a batch of rows into an import's temporary staging table: COPY FROM STDIN on PostgreSQL,
 * PGlite's own COPY from a blob on the embedded database, whose `pg` shim cannot COPY FROM STDIN.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Database } from '../db/database.js';
import type { PgClientLike } from '../db/sql.js';
import { copyText, type StageValue } from './copy-encoders.js';

/**
 * How a database takes a batch of staged rows: COPY FROM STDIN (PostgreSQL) or PGlite's own
 * `COPY … FROM '/dev/blob'` (the embedded database: much faster than the
 * `INSERT … SELECT unnest(…)` it replaced there).
 */
export type StageLoad =
  | { kind: 'copy' }
  | {
      kind: 'blob';
      copyBlob: (copySql: string, data: string | Uint8Array, client: PgClientLike) => Promise<void>;
    };

export function stageLoadFor(db: Database): StageLoad {
  if (db.kind === 'postgresql') return { kind: 'copy' };
  if (!db.copyBlob) throw new Error('the embedded database offers no COPY from a blob');
  return { kind: 'blob', copyBlob: db.copyBlob };
}

/** Rows to stage, or their binary COPY data built ahead of time (e.g. on a worker thread). */
export type StageBatch = StageValue[][] | { binary: Uint8Array };

/** Loads rows into `table` (columns given as [name, SQL type]) the way `load` says. */
export async function loadStageRows(
  client: PgClientLike,
  table: string,
  columns: readonly (readonly [name: string, type: string])[],
  batch: StageBatch,
  load: StageLoad,
): Promise<void> {
  if (Array.isArray(batch) && batch.length === 0) return;
  const data = Array.isArray(batch)
    ? copyText(batch)
    : Buffer.from(batch.binary.buffer, batch.binary.byteOffset, batch.binary.byteLength);
  const format = typeof data === 'string' ? '' : ' with (format binary)';
  const names = columns.map(([n]) => n).join(', ');
  if (load.kind === 'blob') {
    await load.copyBlob(`copy ${table} (${names}) from '/dev/blob'${format}`, data, client);
    return;
  }
  const { from: copyFrom } = await import('pg-copy-streams');
  const sink = client.query(copyFrom(`copy ${table} (${names}) from stdin${format}`));
  await pipeline(Readable.from([data]), sink as unknown as NodeJS.WritableStream);
}
