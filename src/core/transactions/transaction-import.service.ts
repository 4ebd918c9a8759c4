/**
 * `crm transaction import`: streams a transactions CSV of any size, validates every row and loads
 * the good ones in batches with set-based SQL (COPY into a staging table, one lookup of
 * known references, one INSERT … SELECT … ON CONFLICT DO NOTHING), never per-row writes.
 *
 * Idempotent on reference: a row whose reference is known with the same hospital, time, amount
 * and kind is `unchanged`; a known reference with any other value is an error row, never an
 * overwrite. That is also what makes it resumable: each batch commits on its own, and a re-run
 * of the same file after a crash inserts exactly what is missing. Batches take an advisory lock,
 * so two importers of overlapping files never race on a reference.
 */
import { rmSync } from 'node:fs';
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Actor, recordAudit } from '../audit/audit.js';
import { streamCsvBatches } from '../csv.js';
import type { Database } from '../db/database.js';
import { withRawConnection } from '../db/sql.js';
import { ValidationError } from '../errors.js';
import {
  checkErrorsFile,
  ErrorsFileWriter,
  importFileSize,
  loadHospitalIds,
  loadStageRows,
  type RowProblem,
  type StageLoad,
  stageLoadFor,
} from '../imports/bulk-load.js';
import { formatNaira } from '../money.js';
import { type Clock, toIsoLagos } from '../time.js';
import {
  mapTransactionColumns,
  type TransactionRow,
  validateTransactionRecord,
} from './transaction-csv.parser.js';
import { copyTransactionsDirect } from './transaction-direct-copy.js';

export interface TransactionImportInput {
  file: string;
  dryRun?: boolean;
  errorsFile?: string;
  /** Stop (exit 3) once more than this many rows have been rejected. */
  maxErrors?: number;
  batchSize?: number;
  /** Rows per committed chunk of the direct COPY path; DIRECT_CHUNK_BATCHES batches by default. */
  directChunkRows?: number;
  actor: Actor;
  onProgress?: (progress: { bytesRead: number; totalBytes: number; rows: number }) => void;
  onWarning?: (message: string) => void;
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

/** Thrown (exit 3) when --max-errors is exceeded; carries what was done before the stop. */
export class TooManyTransactionErrorsError extends ValidationError {
  constructor(
    readonly maxErrors: number,
    readonly atRow: number,
    readonly partial: TransactionImportResult,
  ) {
    super(
      '--max-errors',
      maxErrors,
      `more than ${maxErrors} rows rejected; stopped at row ${atRow} and wrote nothing from its batch onward`,
      'import_too_many_errors',
    );
  }
}

const ADVISORY_LOCK_KEY = 73_010_003;
const DEFAULT_BATCH_SIZE = 10_000;
/**
 * The direct COPY path commits every this many batches' worth of rows (500,000 by default): each
 * commit costs the pipeline a pause (the rollup trigger, the audit row, the flush), and a kill
 * loses at most one chunk of work, seconds.
 */
const DIRECT_CHUNK_BATCHES = 50;

const STAGE_COLUMNS = [
  ['row_no', 'int'],
  ['reference', 'text'],
  ['hospital_id', 'uuid'],
  ['occurred_at', 'timestamptz'],
  ['amount_kobo', 'bigint'],
  ['kind', 'text'],
] as const;

interface StagedRow {
  row: TransactionRow;
  hospitalId: string;
}

interface KnownReference {
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

interface BatchOutcome {
  inserted: number;
  unchanged: number;
  conflicts: { rowNumber: number; problems: RowProblem[] }[];
}

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
      reason: `${was} occurred_at ${toIsoLagos(known.occurred_at instanceof Date ? known.occurred_at : new Date(known.occurred_at))}`,
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

/** Writes one batch of distinct references; returns what was inserted, unchanged and in conflict. */
async function writeBatch(tem: EntityManager, rows: StagedRow[], load: StageLoad): Promise<BatchOutcome> {
  return withRawConnection(tem, async (client) => {
    await client.query('select pg_advisory_xact_lock($1)', [ADVISORY_LOCK_KEY]);
    // Occurred-at values without an offset are Lagos time: PostgreSQL reads them so in this session.
    await client.query("set local timezone = 'Africa/Lagos'");
    // A batch is small next to the transactions table: index lookups, not a hash of the table.
    await client.query('set local enable_hashjoin = off');
    await client.query('set local enable_mergejoin = off');
    await client.query('set local jit = off');
    await client.query('drop table if exists pg_temp.transaction_stage');
    await client.query(
      `create temp table transaction_stage (${STAGE_COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')}) on commit drop`,
    );
    await loadStageRows(
      client,
      'transaction_stage',
      STAGE_COLUMNS,
      rows.map((s) => [
        s.row.rowNumber,
        s.row.reference,
        s.hospitalId,
        s.row.occurredAt,
        s.row.amountKobo,
        s.row.kind,
      ]),
      load,
    );
    const known = (
      await client.query(
        `select s.row_no, h.code as hospital, t.occurred_at, t.amount_kobo::text as amount_kobo, t.kind,
           t.hospital_id = s.hospital_id as same_hospital, t.occurred_at = s.occurred_at as same_time,
           t.amount_kobo = s.amount_kobo as same_amount, t.kind = s.kind as same_kind
         from transaction_stage s
         join hospital_transaction t on t.reference = s.reference
         join hospital h on h.id = t.hospital_id`,
      )
    ).rows as KnownReference[];
    const inserted =
      (
        await client.query(
          // imported_at: the column's default, the time of this database transaction.
          `insert into hospital_transaction (reference, hospital_id, occurred_at, amount_kobo, kind)
           select reference, hospital_id, occurred_at, amount_kobo, kind from transaction_stage
           on conflict (reference) do nothing`,
        )
      ).rowCount ?? 0;
    const byRow = new Map(rows.map((s) => [s.row.rowNumber, s.row]));
    const conflicts: BatchOutcome['conflicts'] = [];
    for (const k of known) {
      if (k.same_hospital && k.same_time && k.same_amount && k.same_kind) continue;
      conflicts.push({ rowNumber: k.row_no, problems: conflictProblems(byRow.get(k.row_no)!, k) });
    }
    conflicts.sort((a, b) => a.rowNumber - b.rowNumber);
    return { inserted, unchanged: known.length - conflicts.length, conflicts };
  });
}

function sameRow(a: TransactionRow, b: TransactionRow): boolean {
  return (
    a.hospitalCode === b.hospitalCode &&
    a.occurredAt === b.occurredAt &&
    a.amountKobo === b.amountKobo &&
    a.kind === b.kind
  );
}

/**
 * Imports a transactions CSV. See the module comment for the guarantees. On PostgreSQL a real run
 * without --max-errors first takes the direct COPY path (transaction-direct-copy.ts), which steps
 * aside to the batched path below at the first known reference or unusual file layout.
 */
export async function importTransactions(
  db: Database,
  clock: Clock,
  input: TransactionImportInput,
): Promise<TransactionImportResult> {
  const batchSize = input.batchSize ?? DEFAULT_BATCH_SIZE;
  // A warning is said once, whichever path reads the header.
  const warned = new Set<string>();
  const onWarning = (message: string) => {
    if (!warned.has(message)) input.onWarning?.(message);
    warned.add(message);
  };
  if (db.kind !== 'postgresql' || input.dryRun || input.maxErrors !== undefined)
    return importBatched(db, clock, { ...input, onWarning });
  const totalBytes = importFileSize(input.file);
  checkErrorsFile(input.errorsFile);
  const direct = await copyTransactionsDirect(db, {
    file: input.file,
    errorsFile: input.errorsFile,
    chunkRows: input.directChunkRows ?? batchSize * DIRECT_CHUNK_BATCHES,
    actor: input.actor,
    now: clock.now().toISO()!,
    hospitals: await loadHospitalIds(db.em()),
    totalBytes,
    advisoryLockKey: ADVISORY_LOCK_KEY,
    onProgress: input.onProgress,
    onWarning,
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
  const result = await importBatched(db, clock, { ...input, onWarning });
  return {
    ...result,
    inserted: result.inserted + direct.committedInserted,
    unchanged: result.unchanged - direct.committedInserted,
  };
}

async function importBatched(
  db: Database,
  clock: Clock,
  input: TransactionImportInput,
): Promise<TransactionImportResult> {
  const batchSize = input.batchSize ?? DEFAULT_BATCH_SIZE;
  const dryRun = input.dryRun ?? false;
  const totalBytes = importFileSize(input.file);
  checkErrorsFile(input.errorsFile);
  const em = db.em();
  const hospitals = await loadHospitalIds(em);
  const csv = await streamCsvBatches(input.file);
  if (!csv.header)
    throw new ValidationError('file', input.file, 'is empty (no header row)', 'import_empty_file');
  const headers = csv.header.map((h) => h.trim());
  const { columns, unknown } = mapTransactionColumns(headers);
  if (unknown.length > 0) input.onWarning?.(`ignoring unknown columns: ${unknown.join(', ')}`);

  const errors = input.errorsFile ? new ErrorsFileWriter(input.errorsFile, headers) : undefined;
  const totals = { inserted: 0, unchanged: 0, conflicts: 0 };
  let rejected = 0;
  let dataRows = 0;
  const now = clock.now().toISO()!;
  const stageLoad = stageLoadFor(db);
  // A dry run works in one transaction that is rolled back, so later batches see earlier ones.
  const dryEm = dryRun ? db.em() : undefined;
  if (dryEm) await dryEm.begin();

  const result = (): TransactionImportResult => ({
    inserted: totals.inserted,
    unchanged: totals.unchanged,
    rejected,
    errorsFile: errors && rejected > 0 ? errors.path : null,
    rows: dataRows,
    conflicts: totals.conflicts,
    dryRun,
  });

  let batch: StagedRow[] = [];
  /** Records of the batch in flight, for error rows found by the database. */
  let batchRecords = new Map<number, string[]>();
  let seen = new Map<string, TransactionRow>();
  let batchStart = 0;
  let inFlight: Promise<void> | undefined;

  const reject = async (rowNumber: number, problems: RowProblem[], record: string[]) => {
    rejected++;
    await errors?.write(rowNumber, problems, record);
  };

  const flush = async (end: number) => {
    const rows = batch;
    const records = batchRecords;
    const start = batchStart;
    batch = [];
    batchRecords = new Map();
    seen = new Map();
    batchStart = end;
    if (inFlight) await inFlight;
    inFlight = undefined;
    if (rows.length === 0) return;
    const work = async (tem: EntityManager) => {
      const outcome = await writeBatch(tem, rows, stageLoad);
      if (!dryRun)
        await recordAudit(
          tem,
          input.actor,
          'transaction_import',
          null,
          {
            file: input.file,
            rows: [start + 1, end],
            inserted: outcome.inserted,
            unchanged: outcome.unchanged,
            conflicts: outcome.conflicts.length,
          },
          now,
        );
      return outcome;
    };
    // Parsing of the next batch overlaps with the database's work on this one.
    inFlight = (async () => {
      const outcome = dryEm ? await work(dryEm) : await db.em().transactional(work);
      totals.inserted += outcome.inserted;
      totals.unchanged += outcome.unchanged;
      totals.conflicts += outcome.conflicts.length;
      for (const c of outcome.conflicts)
        await reject(c.rowNumber, c.problems, records.get(c.rowNumber) ?? []);
    })();
    inFlight.catch(() => undefined);
  };

  try {
    for await (const records of csv.batches) {
      for (const record of records) {
        dataRows++;
        const rowNumber = dataRows + 1; // the header is row 1, as in a spreadsheet
        const outcome = validateTransactionRecord(record, rowNumber, columns);
        let problems: RowProblem[] | undefined = outcome.ok ? undefined : outcome.problems;
        if (outcome.ok) {
          const row = outcome.row;
          const hospitalId = hospitals.get(row.hospitalCode);
          const earlier = seen.get(row.reference);
          if (!hospitalId)
            problems = [{ column: 'hospital', value: row.hospitalCode, reason: 'unknown hospital code' }];
          else if (earlier && sameRow(earlier, row)) totals.unchanged++;
          else if (earlier)
            problems = [
              {
                column: 'reference',
                value: row.reference,
                reason: `appears earlier in the file (row ${earlier.rowNumber}) with other values`,
              },
            ];
          else {
            seen.set(row.reference, row);
            batch.push({ row, hospitalId });
            batchRecords.set(rowNumber, record);
          }
        }
        if (problems) {
          await reject(rowNumber, problems, record);
          if (input.maxErrors !== undefined && rejected > input.maxErrors) {
            if (inFlight) await inFlight;
            inFlight = undefined;
            throw new TooManyTransactionErrorsError(input.maxErrors, rowNumber, result());
          }
        }
        if (dataRows - batchStart === batchSize) {
          await flush(dataRows);
          input.onProgress?.({ bytesRead: csv.bytesRead(), totalBytes, rows: dataRows });
          if (input.maxErrors !== undefined && rejected > input.maxErrors) {
            if (inFlight) await inFlight;
            inFlight = undefined;
            throw new TooManyTransactionErrorsError(input.maxErrors, rowNumber, result());
          }
        }
      }
    }
    await flush(dataRows);
    if (inFlight) await inFlight;
    inFlight = undefined;
    input.onProgress?.({ bytesRead: totalBytes, totalBytes, rows: dataRows });
  } catch (error) {
    if (inFlight) await inFlight.catch(() => undefined);
    throw error;
  } finally {
    if (dryEm) await dryEm.rollback();
    if (errors) {
      await errors.close();
      if (errors.count === 0) rmSync(errors.path, { force: true });
    }
  }
  return result();
}
