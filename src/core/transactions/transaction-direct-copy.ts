/**
 * The fast path of `crm transaction import` on PostgreSQL: the file's rows, validated by the same
 * `validateTransactionRecord` as always, are COPYed straight into `hospital_transaction` — no
 * staging table, no per-batch lookups — in chunks of `chunkRows` rows, one transaction each.
 *
 * It is optimistic: it assumes every reference is new, which is what a daily export is. The
 * unique constraint on `reference` checks that assumption inside PostgreSQL; the first chunk that
 * meets a known reference (a re-run, an overlapping file, a repeated row) fails and rolls back,
 * and the caller hands the whole file to the batched path, which classifies known references as
 * unchanged or conflicting. Chunks committed before that stay committed: the batched path counts
 * them as unchanged and the caller moves them back to `inserted`. The same happens for files the
 * line splitter does not take on (a quoted field with a line break, CR-only line endings).
 *
 * Killed at any moment, the committed chunks are whole; a re-run finds them and falls back, so
 * the end state is the one of a single clean run.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Actor, recordAudit } from '../audit/audit.js';
import { type CsvBatchStream, NotOneRecordPerLineError, streamCsvBatches } from '../csv.js';
import type { Database } from '../db/database.js';
import { withRawConnection } from '../db/sql.js';
import {
  ErrorsFileWriter,
  FIRST_REJECTIONS,
  type RowProblem,
  type RowRejection,
  rejectionOf,
} from '../imports/errors-file.js';
import {
  mapTransactionColumns,
  type OccurredAtBounds,
  validateTransactionRecord,
} from './transaction-csv.parser.js';

export interface DirectCopyInput {
  file: string;
  errorsFile?: string;
  chunkRows: number;
  actor: Actor;
  now: string;
  hospitals: Map<string, string>;
  bounds: OccurredAtBounds;
  totalBytes: number;
  advisoryLockKey: number;
  onProgress?: (progress: { bytesRead: number; totalBytes: number; rows: number }) => void;
  onWarning?: (message: string) => void;
  onRejected?: (rejection: RowRejection) => void;
}

export type DirectCopyOutcome =
  | { done: true; inserted: number; rejected: number; rows: number; errorsFile: string | null }
  | { done: false; committedInserted: number; reason: string };

const UNIQUE_VIOLATION = '23505';

/** COPY text format: only backslash and tab can occur in a value taken from one line. */
function copyValue(value: string): string {
  return value.includes('\\') || value.includes('\t')
    ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t')
    : value;
}

export async function copyTransactionsDirect(
  db: Database,
  input: DirectCopyInput,
): Promise<DirectCopyOutcome> {
  let committedInserted = 0;
  let errors: ErrorsFileWriter | undefined;
  let opened: CsvBatchStream | undefined;
  try {
    const csv = await streamCsvBatches(input.file, { lineRecordsOnly: true });
    opened = csv;
    if (!csv.header) return { done: false, committedInserted, reason: 'empty file' };
    const batches = csv.batches[Symbol.asyncIterator]();
    let records: string[][] = [];
    let at = 0;
    /** True while there is a record to read at `records[at]`. */
    const fill = async (): Promise<boolean> => {
      while (at >= records.length) {
        const next = await batches.next();
        if (next.done) return false;
        records = next.value;
        at = 0;
      }
      return true;
    };
    const headers = csv.header.map((h) => h.trim());
    const { columns, unknown } = mapTransactionColumns(headers);
    if (unknown.length > 0) input.onWarning?.(`ignoring unknown columns: ${unknown.join(', ')}`);
    errors = input.errorsFile ? new ErrorsFileWriter(input.errorsFile, headers) : undefined;
    const { from: copyFrom } = await import('pg-copy-streams');

    let dataRows = 0;
    let rejected = 0;
    let told = 0;
    while (await fill()) {
      const firstRow = dataRows + 2;
      const chunk = async (tem: EntityManager) =>
        withRawConnection(tem, async (client) => {
          await client.query('select pg_advisory_xact_lock($1)', [input.advisoryLockKey]);
          // Occurred-at values without an offset are Lagos time: PostgreSQL reads them so here.
          await client.query("set local timezone = 'Africa/Lagos'");
          let rowsInChunk = 0;
          // Rejected rows go to the errors file as they are met (memory stays flat on a bad
          // file). Should this chunk roll back, the batched path rewrites the whole file anyway.
          let rejects: { rowNumber: number; problems: RowProblem[]; record: string[] }[] = [];
          async function* copyText(): AsyncGenerator<string> {
            while (rowsInChunk < input.chunkRows && (await fill())) {
              let out = '';
              for (; at < records.length && rowsInChunk < input.chunkRows; at++) {
                const record = records[at];
                dataRows++;
                rowsInChunk++;
                const rowNumber = dataRows + 1; // the header is row 1, as in a spreadsheet
                const outcome = validateTransactionRecord(record, rowNumber, columns, input.bounds);
                let problems: RowProblem[] | undefined;
                if (outcome.ok) {
                  const row = outcome.row;
                  const hospitalId = input.hospitals.get(row.hospitalCode);
                  if (hospitalId)
                    out += `${copyValue(row.reference)}\t${hospitalId}\t${row.occurredAt}\t${row.amountKobo}\t${row.kind}\n`;
                  else
                    problems = [
                      { column: 'hospital', value: row.hospitalCode, reason: 'unknown hospital code' },
                    ];
                } else problems = outcome.problems;
                if (problems) rejects.push({ rowNumber, problems, record });
              }
              for (const r of rejects) {
                if (++told <= FIRST_REJECTIONS) input.onRejected?.(rejectionOf(r.rowNumber, r.problems));
                await errors?.write(r.rowNumber, r.problems, r.record);
              }
              rejected += rejects.length;
              rejects = [];
              yield out;
              input.onProgress?.({
                bytesRead: csv.bytesRead(),
                totalBytes: input.totalBytes,
                rows: dataRows,
              });
            }
          }
          const sink = client.query(
            copyFrom(
              // imported_at: the column's default, the time of this database transaction.
              'copy hospital_transaction (reference, hospital_id, occurred_at, amount_kobo, kind) from stdin',
            ),
          ) as unknown as NodeJS.WritableStream & { rowCount: number };
          await pipeline(Readable.from(copyText()), sink);
          const inserted = sink.rowCount;
          await recordAudit(tem, input.actor, 'transaction_import', null, {
            file: input.file,
            rows: [firstRow - 1, dataRows],
            inserted,
            unchanged: 0,
            conflicts: 0,
          });
          return inserted;
        });
      committedInserted += await db.em().transactional(chunk);
    }
    input.onProgress?.({ bytesRead: input.totalBytes, totalBytes: input.totalBytes, rows: dataRows });
    await errors?.close();
    const errorsFile = errors && rejected > 0 ? errors.path : null;
    errors = undefined;
    return { done: true, inserted: committedInserted, rejected, rows: dataRows, errorsFile };
  } catch (error) {
    if (error instanceof NotOneRecordPerLineError)
      return { done: false, committedInserted, reason: 'a record spans lines' };
    if ((error as { code?: string }).code === UNIQUE_VIOLATION)
      return { done: false, committedInserted, reason: 'a reference is already known' };
    throw error;
  } finally {
    await opened?.close();
    await errors?.close();
  }
}
