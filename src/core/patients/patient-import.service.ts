/**
 * `crm patient import`: streams a CSV of any size, validates every row, and upserts the good ones
 * in batches with set-based SQL (COPY into a staging table, then UPDATE … FROM and
 * INSERT … SELECT: patient-upsert.sql.ts), never per-row ORM writes. The steps every import shares
 * (file checks, checkpoint, dry run, --max-errors, progress) are the import pipeline's
 * (imports/import-pipeline.ts).
 *
 * Resumable: each batch covers a fixed range of data rows and commits together with a checkpoint
 * (patient_import.rows_committed) keyed by the file's SHA-256 and the import options. A re-run of
 * the same file after a crash skips the committed ranges and reports the totals of the whole
 * import, so it ends exactly as one clean run would. Batches take an advisory lock and re-check
 * the checkpoint, so two runners of the same file never write a range twice.
 */
import { auditStatement } from '../audit/audit.js';
import type { BulkServiceContext } from '../context.js';
import { streamCsvBatches } from '../csv.js';
import { withRawConnection } from '../db/sql.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { runScript } from '../imports/batch-script.js';
import { hospitalIdsByCode } from '../imports/import.sql.js';
import { advanceCheckpointStatement, lockCheckpointStatement } from '../imports/import-checkpoint.js';
import { type ImportOptions, runImport } from '../imports/import-pipeline.js';
import { loadStageRows, stageLoadFor } from '../imports/stage-load.js';
import { lagosDate } from '../time.js';
import { mapColumns } from './patient-csv.parser.js';
import { type ProducedBatch, STAGE_COLUMNS } from './patient-import.producer.js';
import { patientBatchSource } from './patient-import.worker-client.js';
import { BATCH_PREAMBLE, stageStatements, upsertStatements } from './patient-upsert.sql.js';

export interface PatientImportInput extends ImportOptions {
  /** Home hospital of rows that do not name one. */
  hospitalCode?: string;
  /** `--map column=field` pairs. */
  maps?: string[];
}

export interface PatientImportSummary {
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  errorsFile: string | null;
}

export interface PatientImportResult extends PatientImportSummary {
  rows: number;
  dryRun: boolean;
  /** Data rows skipped because an earlier, interrupted run had committed them. */
  resumedRows: number;
  unknownColumns: string[];
  unknownReferrers: number;
}

const DEFAULT_BATCH_SIZE = 10_000;

/** The options that, with the file's SHA-256, name an import's checkpoint. */
function optionsKey(input: PatientImportInput): string {
  return JSON.stringify({ hospital: input.hospitalCode ?? null, map: [...(input.maps ?? [])].sort() });
}

interface BatchCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** Imports a patients CSV as `ctx.actor`. See the module comment for the guarantees. */
export async function importPatients(
  ctx: BulkServiceContext,
  input: PatientImportInput,
): Promise<PatientImportResult> {
  const { db, clock } = ctx;
  const batchSize = input.batchSize ?? DEFAULT_BATCH_SIZE;
  const dryRun = input.dryRun ?? false;
  const em = db.em();
  const stageLoad = stageLoadFor(db);
  const now = clock.now().toISO()!;
  const totals: BatchCounts = { inserted: 0, updated: 0, unchanged: 0 };
  let unknownColumns: string[] = [];
  let unknownReferrers = 0;

  /**
   * One batch in four round trips on PostgreSQL: open (transaction, settings, lock, checkpoint,
   * stage), COPY, the upsert, close (checkpoint, audit, commit). A dry run's batches run inside its
   * one transaction and have no checkpoint. Undefined when another runner wrote the range.
   */
  const writeBatch = (batch: ProducedBatch, target: { dryEm?: typeof em; checkpointId?: string }) =>
    withRawConnection(target.dryEm ?? em, async (client) => {
      const { checkpointId } = target;
      try {
        const opening = [...(checkpointId ? ['begin'] : []), ...BATCH_PREAMBLE];
        const checkAt = opening.length;
        if (checkpointId) opening.push(lockCheckpointStatement(checkpointId));
        opening.push(...stageStatements(db.kind, dryRun));
        const opened = await runScript(client, db.kind, opening);
        if (checkpointId && (opened[checkAt][0] as { rows_committed: number }).rows_committed >= batch.end) {
          await client.query('rollback');
          return undefined; // another runner wrote this range
        }
        await loadStageRows(client, 'patient_stage', STAGE_COLUMNS, batch.stage, stageLoad);
        const upserted = await runScript(client, db.kind, upsertStatements(now, batch.hasReferrers));
        const counts = upserted.at(-1)![0] as BatchCounts;
        counts.updated += batch.dupUpdated;
        counts.unchanged += batch.dupUnchanged;
        const unknown = batch.hasReferrers ? (upserted.at(-2) as { row_no: number; value: string }[]) : [];
        if (checkpointId) {
          await runScript(client, db.kind, [
            advanceCheckpointStatement(checkpointId, batch.end, counts),
            auditStatement(ctx.actor, 'patient_import', checkpointId, {
              rows: [batch.start + 1, batch.end],
              ...counts,
            }),
            'commit',
          ]);
        }
        return { counts, unknown };
      } catch (error) {
        if (checkpointId) await client.query('rollback').catch(() => undefined);
        throw error;
      }
    });

  const result = await runImport(ctx, input, {
    checkpointKey: optionsKey(input),
    async open() {
      const hospitals = await hospitalIdsByCode(em);
      let defaultHospitalId: string | null = null;
      if (input.hospitalCode) {
        defaultHospitalId = hospitals.get(input.hospitalCode.toUpperCase()) ?? null;
        if (!defaultHospitalId) throw new NotFoundError('hospital', input.hospitalCode);
      }
      const csv = await streamCsvBatches(input.file);
      await csv.close(); // only the header here: the rows are read by the worker
      if (!csv.header)
        throw new ValidationError('file', input.file, 'is empty (no header row)', 'import_empty_file');
      const mapping = mapColumns(
        csv.header.map((h) => h.trim()),
        input.maps,
      );
      unknownColumns = mapping.unknownColumns;
      if (unknownColumns.length > 0)
        input.onWarning?.(`ignoring unknown columns: ${unknownColumns.join(', ')}`);
      // Rows are read and validated on a worker thread, so that the main thread only drives the
      // database: the embedded one (PGlite) runs on this thread, and on PostgreSQL the protocol
      // work and the parsing no longer take turns. It starts before the file is hashed for its
      // checkpoint, so the first batch is ready when the database is; batches that an interrupted
      // run committed are skipped by the pipeline (the worker still validates them, as it must
      // for the errors file).
      return patientBatchSource(
        {
          file: input.file,
          mapping,
          hospitals: [...hospitals],
          defaultHospitalId,
          today: lagosDate(clock.now()),
          batchSize,
          maxErrors: input.maxErrors,
          errorsFile: input.errorsFile,
        },
        db.kind === 'postgresql',
        input.onRejected,
      );
    },
    async writeBatch(batch, target) {
      const written = await writeBatch(batch, { dryEm: target.dryEm, checkpointId: target.checkpoint?.id });
      if (!written) return;
      totals.inserted += written.counts.inserted;
      totals.updated += written.counts.updated;
      totals.unchanged += written.counts.unchanged;
      unknownReferrers += written.unknown.length;
      for (const u of written.unknown.slice(0, 5)) {
        input.onWarning?.(
          `row ${u.row_no}: referred_by ${JSON.stringify(u.value)} is not a known patient; imported without a referrer`,
        );
      }
    },
    result: (outcome): PatientImportResult => ({
      inserted: (outcome.checkpoint?.inserted ?? 0) + totals.inserted,
      updated: (outcome.checkpoint?.updated ?? 0) + totals.updated,
      unchanged: (outcome.checkpoint?.unchanged ?? 0) + totals.unchanged,
      rejected: outcome.rejected,
      errorsFile: outcome.errorsFile,
      rows: outcome.rows,
      dryRun: outcome.dryRun,
      resumedRows: outcome.resumedRows,
      unknownColumns,
      unknownReferrers,
    }),
  });
  if (unknownReferrers > 5) input.onWarning?.(`${unknownReferrers} rows in all named an unknown referrer`);
  return result;
}
