/**
 * `crm transaction import`: streams a transactions CSV of any size, validates every row and loads
 * the good ones with set-based SQL, never per-row writes.
 *
 * Idempotent on reference: a row whose reference is known with the same hospital, time, amount
 * and kind is `unchanged`; a known reference with any other value is an error row, never an
 * overwrite. That is also what makes it resumable: each batch commits on its own, and a re-run
 * of the same file after a crash inserts exactly what is missing. Batches take an advisory lock,
 * so two importers of overlapping files never race on a reference.
 *
 * Two paths end in the same place. On PostgreSQL a real run without --max-errors first COPYs the
 * rows straight into the table (transaction-direct-copy.ts, what a daily export of new references
 * needs to be fast), which steps aside at the first known reference or unusual file layout. The
 * batched path (the import pipeline, imports/import-pipeline.ts, with a staging table per batch:
 * transaction-import.sql.ts) classifies known references and serves every other case.
 */
import { rmSync } from 'node:fs';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit } from '../audit/audit.js';
import type { BulkServiceContext } from '../context.js';
import { isoTimestamp } from '../db/values.js';
import type { RowProblem } from '../imports/errors-file.js';
import { hospitalIdsByCode } from '../imports/import.sql.js';
import { checkErrorsFile, importFileSize } from '../imports/import-files.js';
import { type ImportOptions, runImport } from '../imports/import-pipeline.js';
import { stageLoadFor } from '../imports/stage-load.js';
import { formatNaira } from '../money.js';
import { type TransactionBatch, TransactionBatchSource } from './transaction-batch-source.js';
import { occurredAtBounds, type TransactionRow } from './transaction-csv.parser.js';
import { copyTransactionsDirect } from './transaction-direct-copy.js';
import {
  type KnownReference,
  TRANSACTION_IMPORT_LOCK_KEY,
  writeTransactionBatch,
} from './transaction-import.sql.js';

export interface TransactionImportInput extends ImportOptions {
  /** Rows per committed chunk of the direct COPY path; DIRECT_CHUNK_BATCHES batches by default. */
  directChunkRows?: number;
}

export interface TransactionImportSummary {
  inserted: number;
  unchanged: number;
  rejected: number;
  errorsFile: string | null;
}

export interface TransactionImportResult extends TransactionImportSummary {
  rows: number;
  /** Rows rejected because their reference is known with other values. */
  conflicts: number;
  dryRun: boolean;
}

const DEFAULT_BATCH_SIZE = 10_000;
/**
 * The direct COPY path commits every this many batches' worth of rows (500,000 by default): each
 * commit costs the pipeline a pause (the rollup trigger, the audit row, the flush), and a kill
 * loses at most one chunk of work.
 */
const DIRECT_CHUNK_BATCHES = 50;

/** Why a known reference's row is rejected: each value that differs from the stored one. */
function conflictProblems(row: TransactionRow, known: KnownReference): RowProblem[] {
  const problems: RowProblem[] = [];
  const was = `reference ${row.reference} was imported before with`;
  if (!known.same_hospital)
    problems.push({
      column: 'hospital',
      value: row.hospitalCode,
      reason: `${was} hospital ${known.hospital}`,
    });
  if (!known.same_time)
    problems.push({
      column: 'occurred_at',
      value: row.occurredAt,
      reason: `${was} occurred_at ${isoTimestamp(known.occurred_at)}`,
    });
  if (!known.same_amount)
    problems.push({
      column: 'amount',
      value: formatNaira(row.amountKobo),
      reason: `${was} amount ${formatNaira(BigInt(known.amount_kobo))}`,
    });
  if (!known.same_kind)
    problems.push({ column: 'kind', value: row.kind, reason: `${was} kind ${known.kind}` });
  return problems;
}

/**
 * Imports a transactions CSV as `ctx.actor`. See the module comment for the guarantees. On PostgreSQL a real run
 * without --max-errors first takes the direct COPY path, which steps aside to the batched path at
 * the first known reference or unusual file layout.
 */
export async function importTransactions(
  ctx: BulkServiceContext,
  input: TransactionImportInput,
): Promise<TransactionImportResult> {
  const { db, clock } = ctx;
  const batchSize = input.batchSize ?? DEFAULT_BATCH_SIZE;
  // A warning is said once, whichever path reads the header.
  const warned = new Set<string>();
  const onWarning = (message: string) => {
    if (!warned.has(message)) input.onWarning?.(message);
    warned.add(message);
  };
  if (db.kind !== 'postgresql' || input.dryRun || input.maxErrors !== undefined)
    return importBatched(ctx, { ...input, onWarning });
  const totalBytes = importFileSize(input.file);
  checkErrorsFile(input.errorsFile);
  const direct = await copyTransactionsDirect(db, {
    file: input.file,
    errorsFile: input.errorsFile,
    chunkRows: input.directChunkRows ?? batchSize * DIRECT_CHUNK_BATCHES,
    actor: ctx.actor,
    now: clock.now().toISO()!,
    hospitals: await hospitalIdsByCode(db.em()),
    bounds: occurredAtBounds(clock.now()),
    totalBytes,
    advisoryLockKey: TRANSACTION_IMPORT_LOCK_KEY,
    onProgress: input.onProgress,
    onWarning,
    onRejected: input.onRejected,
  });
  if (direct.done) {
    if (input.errorsFile && direct.errorsFile === null) rmSync(input.errorsFile, { force: true });
    return {
      inserted: direct.inserted,
      unchanged: 0,
      rejected: direct.rejected,
      errorsFile: direct.errorsFile,
      rows: direct.rows,
      conflicts: 0,
      dryRun: false,
    };
  }
  // The batched path reads the whole file again; rows the direct path committed are known to it
  // now (unchanged), but they were inserted by this import.
  const result = await importBatched(ctx, { ...input, onWarning });
  return {
    ...result,
    inserted: result.inserted + direct.committedInserted,
    unchanged: result.unchanged - direct.committedInserted,
  };
}

/** The batched path: the import pipeline with a staging table per batch. */
async function importBatched(
  ctx: BulkServiceContext,
  input: TransactionImportInput,
): Promise<TransactionImportResult> {
  const { db, clock } = ctx;
  const stageLoad = stageLoadFor(db);
  const totals = { inserted: 0, unchanged: 0, conflicts: 0 };
  let source: TransactionBatchSource | undefined;

  /** Writes one batch of distinct references and audits it; rejects the rows in conflict. */
  const writeBatch = async (batch: TransactionBatch, dryEm: EntityManager | undefined): Promise<void> => {
    if (batch.rows.length === 0) return;
    const work = async (tem: EntityManager) => {
      const { inserted, known } = await writeTransactionBatch(
        tem,
        batch.rows.map((s) => [
          s.row.rowNumber,
          s.row.reference,
          s.hospitalId,
          s.row.occurredAt,
          s.row.amountKobo,
          s.row.kind,
        ]),
        stageLoad,
      );
      const byRow = new Map(batch.rows.map((s) => [s.row.rowNumber, s.row]));
      const conflicts: { rowNumber: number; problems: RowProblem[] }[] = [];
      for (const k of known) {
        if (k.same_hospital && k.same_time && k.same_amount && k.same_kind) continue;
        conflicts.push({ rowNumber: k.row_no, problems: conflictProblems(byRow.get(k.row_no)!, k) });
      }
      conflicts.sort((a, b) => a.rowNumber - b.rowNumber);
      const unchanged = known.length - conflicts.length;
      if (!dryEm)
        await recordAudit(tem, ctx.actor, 'transaction_import', null, {
          file: input.file,
          rows: [batch.start + 1, batch.end],
          inserted,
          unchanged,
          conflicts: conflicts.length,
        });
      return { inserted, unchanged, conflicts };
    };
    const outcome = dryEm ? await work(dryEm) : await db.em().transactional(work);
    totals.inserted += outcome.inserted;
    totals.unchanged += outcome.unchanged;
    totals.conflicts += outcome.conflicts.length;
    for (const c of outcome.conflicts)
      await source!.reject(c.rowNumber, c.problems, batch.records.get(c.rowNumber) ?? []);
  };

  return runImport(ctx, input, {
    async open() {
      source = await TransactionBatchSource.open(input.file, {
        hospitals: await hospitalIdsByCode(db.em()),
        bounds: occurredAtBounds(clock.now()),
        batchSize: input.batchSize ?? DEFAULT_BATCH_SIZE,
        maxErrors: input.maxErrors,
        errorsFile: input.errorsFile,
        onWarning: input.onWarning,
        onRejected: input.onRejected,
      });
      return source;
    },
    writeBatch: (batch, target) => writeBatch(batch, target.dryEm),
    result: (outcome): TransactionImportResult => ({
      inserted: totals.inserted,
      unchanged: totals.unchanged + (source?.repeated ?? 0),
      rejected: outcome.rejected,
      errorsFile: outcome.errorsFile,
      rows: outcome.rows,
      conflicts: totals.conflicts,
      dryRun: outcome.dryRun,
    }),
  });
}
