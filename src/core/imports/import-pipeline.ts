/**
 * The one pipeline of the CSV imports (`crm patient import`, `crm transaction import`): file
 * checks, an optional checkpoint keyed by the file's SHA-256 (resumable imports), the dry run
 * (one transaction rolled back at the end, so its counts are those of a real run), batches
 * written one at a time while the next is read, `--max-errors`, progress, and the outcome every
 * import reports (rows, rejected, errors file).
 *
 * An import brings the two halves that differ: a source of batches (reading, validating, the
 * errors file) and how a batch is written to the database.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BulkServiceContext } from '../context.js';
import { TooManyErrorsError } from '../errors.js';
import type { RowRejection } from './errors-file.js';
import { finishCheckpoint, type ImportCheckpoint, startOrResume } from './import-checkpoint.js';
import { checkErrorsFile, importFileSize, sha256File } from './import-files.js';

export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  rows: number;
}

/** What every import takes besides its own options. */
export interface ImportOptions {
  file: string;
  dryRun?: boolean;
  errorsFile?: string;
  /** Stop (exit 3) once more than this many rows have been rejected. */
  maxErrors?: number;
  batchSize?: number;
  onProgress?: (progress: ImportProgress) => void;
  onWarning?: (message: string) => void;
  /**
   * Told of the first rejected rows (FIRST_REJECTIONS at least; a row may be told twice when the
   * file is read again), so that a command without --errors can say why rows were rejected.
   */
  onRejected?: (rejection: RowRejection) => void;
}

/** A batch of data rows (start, end] as a source hands it out. */
export interface SourceBatch {
  type: 'batch';
  start: number;
  end: number;
  /** Data rows read so far, and bytes of the file (for progress). */
  rowsRead: number;
  bytesRead: number;
}

export type SourceEvent<B extends SourceBatch> =
  | B
  /** More than --max-errors rows rejected, the last at `atRow`: nothing from its batch on is written. */
  | { type: 'tooManyErrors'; atRow: number }
  /** The file is read; every batch has been handed out. */
  | { type: 'done' };

/** The reading half of an import: its batches in file order. */
export interface BatchSource<B extends SourceBatch> {
  events: AsyncIterable<SourceEvent<B>>;
  /** Data rows read and rows rejected so far. */
  counts(): { rowsRead: number; rejected: number };
  /** After the last batch is written: the errors file when rows were rejected (an empty one is removed). */
  finish(): Promise<string | null>;
  /** Ends the source early (on an error). */
  stop(): Promise<void>;
}

/** Where a batch goes: the dry run's one transaction, or a transaction of its own (with the checkpoint). */
export interface BatchTarget {
  /** A dry run's EntityManager, its transaction open; undefined in a real run. */
  dryEm: EntityManager | undefined;
  /** A resumable import's checkpoint (real runs only). */
  checkpoint: ImportCheckpoint | undefined;
}

/** What every import reports; the import adds its own counts. */
export interface ImportOutcome {
  rows: number;
  rejected: number;
  errorsFile: string | null;
  dryRun: boolean;
  /** Data rows skipped because an earlier, interrupted run had committed them. */
  resumedRows: number;
  /** What the checkpoint held when the import started (resumable imports). */
  checkpoint: ImportCheckpoint | undefined;
}

export interface ImportSteps<B extends SourceBatch, R> {
  /** The resumable import's options key (with the file's SHA-256, the checkpoint's name); none: not resumable. */
  checkpointKey?: string;
  /** Opens the source, after the file checks (the header is read and mapped here). */
  open(): Promise<BatchSource<B>>;
  /** Writes one batch (a batch the checkpoint already covers is never handed here). */
  writeBatch(batch: B, target: BatchTarget): Promise<void>;
  /** The import's result from the common outcome (also the partial result of --max-errors). */
  result(outcome: ImportOutcome): R;
}

/** Runs an import as `ctx.actor`; see the module comment. */
export async function runImport<B extends SourceBatch, R>(
  ctx: BulkServiceContext,
  input: ImportOptions,
  steps: ImportSteps<B, R>,
): Promise<R> {
  const dryRun = input.dryRun ?? false;
  const totalBytes = importFileSize(input.file);
  checkErrorsFile(input.errorsFile);
  const source = await steps.open();
  const em = ctx.db.em();
  let checkpoint: ImportCheckpoint | undefined;
  // A dry run works in one transaction that is rolled back at the end, so later batches see
  // earlier ones and the counts are exactly those of a real run.
  const dryEm = dryRun ? ctx.db.em() : undefined;
  try {
    if (!dryRun && steps.checkpointKey !== undefined)
      checkpoint = await startOrResume(em, {
        fileSha256: await sha256File(input.file),
        optionsKey: steps.checkpointKey,
        fileName: input.file,
        operator: ctx.actor.operator,
      });
    if (dryEm) await dryEm.begin();
  } catch (error) {
    await source.stop();
    throw error;
  }
  const resumeFrom = checkpoint?.rowsCommitted ?? 0;
  if (resumeFrom > 0)
    input.onWarning?.(`resuming an interrupted import of this file after data row ${resumeFrom}`);
  const target: BatchTarget = { dryEm, checkpoint };
  let errorsFile: string | null = null;
  const outcome = (): ImportOutcome => ({
    rows: source.counts().rowsRead,
    rejected: source.counts().rejected,
    errorsFile,
    dryRun,
    resumedRows: resumeFrom,
    checkpoint,
  });

  let inFlight: Promise<void> | undefined;
  let committed = 0;
  const pauseAfter = testPauseAfterBatches(ctx.config.env);
  /** A batch's write has ended: with the test hook set, the import may stop here and wait. */
  const written = async () => {
    committed++;
    if (!dryRun && committed === pauseAfter) await pauseForKill(committed);
  };
  try {
    for await (const event of source.events) {
      if (event.type === 'tooManyErrors') {
        if (inFlight) await inFlight;
        inFlight = undefined;
        if (input.errorsFile) errorsFile = input.errorsFile;
        throw new TooManyErrorsError(input.maxErrors!, event.atRow, steps.result(outcome()));
      }
      if (event.type === 'done') break;
      if (event.end <= resumeFrom) continue; // committed by the interrupted run
      if (inFlight) {
        await inFlight;
        await written();
      }
      // Reading of the next batch overlaps with the database's work on this one.
      inFlight = steps.writeBatch(event as B, target);
      inFlight.catch(() => undefined);
      input.onProgress?.({ bytesRead: event.bytesRead, totalBytes, rows: event.rowsRead });
    }
    if (inFlight) await inFlight;
    inFlight = undefined;
    errorsFile = await source.finish();
    if (checkpoint) await finishCheckpoint(em, checkpoint.id, ctx.clock.now().toJSDate());
    input.onProgress?.({ bytesRead: totalBytes, totalBytes, rows: source.counts().rowsRead });
  } catch (error) {
    if (inFlight) await inFlight.catch(() => undefined);
    await source.stop();
    throw error;
  } finally {
    if (dryEm) await dryEm.rollback();
  }
  return steps.result(outcome());
}

/**
 * CRM_TEST_IMPORT_PAUSE_AFTER_BATCHES=N (tests only; a .env cannot set it): after the N-th batch
 * of a real import is committed, say so on stderr and wait to be killed. The kill -9 tests need a
 * process that is certainly mid-import; on the embedded database nothing else can watch it (one
 * process at a time), and a progress bar or a timer races the import on a quiet or a busy machine.
 */
function testPauseAfterBatches(env: Readonly<Record<string, string | undefined>>): number | undefined {
  const n = Number(env.CRM_TEST_IMPORT_PAUSE_AFTER_BATCHES);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

async function pauseForKill(batches: number): Promise<never> {
  process.stderr.write(`crm: test hook: paused after ${batches} committed batch(es)\n`);
  // A timer keeps the process alive (an unresolved promise alone would let it exit).
  setInterval(() => undefined, 1 << 30);
  return new Promise<never>(() => undefined);
}
