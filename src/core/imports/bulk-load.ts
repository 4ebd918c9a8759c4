/**
 * Building blocks shared by the set-based CSV imports (patients, transactions): loading a batch
 * of rows into a temporary staging table (COPY FROM STDIN on PostgreSQL, PGlite's own COPY from a
 * blob on the embedded database, whose `pg` shim cannot COPY FROM STDIN), and the errors file of
 * rejected rows.
 */
import { createWriteStream, statSync, type WriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { EntityManager } from '@mikro-orm/postgresql';
import { stringify } from 'csv-stringify';
import { protectCell } from '../csv.js';
import type { Database } from '../db/database.js';
import { type PgClientLike, query } from '../db/sql.js';
import { NotFoundError } from '../errors.js';

export type StageValue = string | number | boolean | bigint | null;

/** One reason a row was rejected: the column, the value as written and why. */
export interface RowProblem {
  column: string;
  value: string;
  reason: string;
}

/** PostgreSQL COPY text format: tab-separated, `\N` for null, backslash escapes. */
export function copyText(rows: StageValue[][]): string {
  const lines: string[] = [];
  for (const values of rows) {
    lines.push(
      values
        .map((v) => {
          if (v === null) return '\\N';
          if (typeof v !== 'string') return String(v);
          return /[\\\t\n\r]/.test(v)
            ? v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
            : v;
        })
        .join('\t'),
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * How a database takes a batch of staged rows: COPY FROM STDIN (PostgreSQL) or PGlite's own
 * `COPY … FROM '/dev/blob'` (the embedded database: about three times as fast as the
 * `INSERT … SELECT unnest(…)` it replaced there).
 */
export type StageLoad =
  | { kind: 'copy' }
  | { kind: 'blob'; copyBlob: (copySql: string, text: string) => Promise<void> };

export function stageLoadFor(db: Database): StageLoad {
  if (db.kind === 'postgresql') return { kind: 'copy' };
  if (!db.copyBlob) throw new Error('the embedded database offers no COPY from a blob');
  return { kind: 'blob', copyBlob: db.copyBlob };
}

/** Rows to stage, or their COPY text built ahead of time (e.g. on a worker thread). */
export type StageBatch = StageValue[][] | { text: string };

/** Loads rows into `table` (columns given as [name, SQL type]) the way `load` says. */
export async function loadStageRows(
  client: PgClientLike,
  table: string,
  columns: readonly (readonly [name: string, type: string])[],
  batch: StageBatch,
  load: StageLoad,
): Promise<void> {
  if (Array.isArray(batch) && batch.length === 0) return;
  const text = Array.isArray(batch) ? copyText(batch) : batch.text;
  const names = columns.map(([n]) => n).join(', ');
  if (load.kind === 'blob') {
    await load.copyBlob(`copy ${table} (${names}) from '/dev/blob'`, text);
    return;
  }
  const { from: copyFrom } = await import('pg-copy-streams');
  const sink = client.query(copyFrom(`copy ${table} (${names}) from stdin`));
  await pipeline(Readable.from([text]), sink as unknown as NodeJS.WritableStream);
}

/** The errors file: row number, first column, its value, all reasons, then the original record. */
export class ErrorsFileWriter {
  private readonly out: ReturnType<typeof stringify>;
  private readonly done: Promise<void>;
  count = 0;

  constructor(
    readonly path: string,
    headers: string[],
  ) {
    this.out = stringify({
      header: true,
      columns: ['row', 'column', 'value', 'reason', ...headers],
      bom: true,
    });
    const file: WriteStream = createWriteStream(path);
    this.done = pipeline(this.out, file);
  }

  async write(rowNumber: number, problems: RowProblem[], record: string[]): Promise<void> {
    this.count++;
    const first = problems[0];
    const reason = problems.map((p) => `${p.column}: ${p.reason}`).join('; ');
    const ok = this.out.write([
      rowNumber,
      first.column,
      protectCell(first.value),
      protectCell(reason),
      ...record.map(protectCell),
    ]);
    if (!ok) await new Promise((r) => this.out.once('drain', r));
  }

  async close(): Promise<void> {
    this.out.end();
    await this.done;
  }
}

/** The size of an import file in bytes (for progress), or exit 4 naming the file. */
export function importFileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    throw new NotFoundError('file', path, 'file_not_found');
  }
}

/** Hospital code → id, loaded once per import (hospitals are few; rows name them by code). */
export async function loadHospitalIds(em: EntityManager): Promise<Map<string, string>> {
  const rows = await query<{ code: string; id: string }>(em, 'select code, id from hospital');
  return new Map(rows.map((h) => [h.code, h.id]));
}
