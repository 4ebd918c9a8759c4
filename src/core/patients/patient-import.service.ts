/**
 * `crm patient import`: streams a CSV of any size, validates every row, and upserts the good ones
 * in batches with set-based SQL (COPY into a staging table, then UPDATE … FROM and
 * INSERT … SELECT), never per-row ORM writes.
 *
 * Resumable: each batch covers a fixed range of data rows and commits together with a checkpoint
 * (patient_import.rows_committed) keyed by the file's SHA-256 and the import options. A re-run of
 * the same file after a crash skips the committed ranges and reports the totals of the whole
 * import, so it ends exactly as one clean run would. Batches take an advisory lock and re-check
 * the checkpoint, so two runners of the same file never write a range twice.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Actor, auditStatement } from '../audit/audit.js';
import { streamCsvBatches } from '../csv.js';
import type { Database } from '../db/database.js';
import { type PgClientLike, query, queryOne, sqlLiteral, withRawConnection } from '../db/sql.js';
import { CrmError, NotFoundError, ValidationError } from '../errors.js';
import {
  checkErrorsFile,
  importFileSize,
  loadHospitalIds,
  loadStageRows,
  stageLoadFor,
} from '../imports/bulk-load.js';
import { type Clock, lagosDate } from '../time.js';
import { NO_HOSPITAL } from './patient.entity.js';
import { type ColumnMapping, mapColumns } from './patient-csv.parser.js';
import {
  type ProducedBatch,
  type ProducerEvent,
  type ProducerInput,
  produceBatches,
  STAGE_COLUMNS,
} from './patient-import.producer.js';

export interface PatientImportInput {
  file: string;
  /** Home hospital of rows that do not name one. */
  hospitalCode?: string;
  /** `--map column=field` pairs. */
  maps?: string[];
  dryRun?: boolean;
  errorsFile?: string;
  /** Stop (exit 3) once more than this many rows have been rejected. */
  maxErrors?: number;
  batchSize?: number;
  actor: Actor;
  onProgress?: (progress: ImportProgress) => void;
  onWarning?: (message: string) => void;
}

export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  rows: number;
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

/** Thrown (exit 3) when --max-errors is exceeded; carries what was done before the stop. */
export class TooManyErrorsError extends ValidationError {
  constructor(
    readonly maxErrors: number,
    readonly atRow: number,
    readonly partial: PatientImportResult,
  ) {
    super(
      '--max-errors',
      maxErrors,
      `more than ${maxErrors} rows rejected; stopped at row ${atRow} and wrote nothing from its batch onward`,
      'import_too_many_errors',
    );
  }
}

const ADVISORY_LOCK_KEY = 73_010_001;
const DEFAULT_BATCH_SIZE = 10_000;

/** Columns that the file may bring and the upsert copies when non-empty. */
const UPSERT_COLUMNS = [
  'external_id',
  'first_name',
  'last_name',
  'phone',
  'email',
  'date_of_birth',
  'gender',
  'address',
  'preferred_channel',
  'preferred_language',
  'consent_sms',
  'consent_whatsapp',
  'consent_email',
] as const;

interface BatchCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  unknownReferrers: { rowNumber: number; value: string }[];
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), hash);
  return hash.digest('hex');
}

function optionsKey(input: PatientImportInput): string {
  return JSON.stringify({ hospital: input.hospitalCode ?? null, map: [...(input.maps ?? [])].sort() });
}

/** Whether the file brings a new non-empty value for at least one column. */
const BRINGS_CHANGE = UPSERT_COLUMNS.map(
  (c) => `(s.${c} is not null and s.${c} is distinct from p.${c})`,
).join(' or ');

const SET_NEW_VALUES = UPSERT_COLUMNS.map((c) => `${c} = coalesce(s.${c}, p.${c})`).join(', ');

/**
 * The set-based upsert of one staged batch, as statements to run in order (values written in, so
 * that PostgreSQL gets them in one round trip). The last statement selects the batch's counts,
 * preceded, when the batch names referrers, by one listing the rows whose referrer is unknown.
 */
function upsertStatements(now: string, hasReferrers: boolean): string[] {
  const at = `${sqlLiteral(now)}::timestamptz`;
  // 1. Same hospital + MRN.
  const statements = [
    `update patient_stage s set patient_id = p.id from patient p
    where s.external_id is not null and p.external_id = s.external_id
      and coalesce(p.hospital_id, ${NO_HOSPITAL}) = coalesce(s.hospital_id, ${NO_HOSPITAL})`,
  ];
  // 2. Else same phone (then same e-mail) + same name. A row whose MRN the database does not know
  // can only be a patient recorded without an MRN: those probes use the small partial indexes
  // (patient_*_without_mrn). Only unmatched rows are probed and only matched rows are rewritten;
  // the oldest patient wins when several match. Every join here has the staging row on the outside
  // and an index probe inside: a join back to the stage by row (it has no index) was quadratic —
  // a re-import of 200,000 changed rows took 138 s.
  // The hospital is compared with `is not distinct from`, which no index serves, on purpose: written
  // as the unique MRN key's `coalesce(hospital_id, …)`, the planner ANDed that index's scan of
  // every patient of the hospital into each probe (200,000 rows without MRNs: 241 s).
  // When no patient at all is recorded without an MRN, a row with an MRN has nothing to probe for
  // (the uncorrelated `exists` is evaluated once per statement, from the empty partial index: the
  // common case of MRN-keyed files).
  for (const contact of ['phone', 'email']) {
    for (const rowHasMrn of [true, false]) {
      const candidates = `from patient p where p.${contact} = s.${contact}${rowHasMrn ? ' and p.external_id is null' : ''}
            and lower(p.first_name) = lower(s.first_name) and lower(p.last_name) = lower(s.last_name)
            and p.hospital_id is not distinct from s.hospital_id`;
      statements.push(`update patient_stage s
          set patient_id = (select p.id ${candidates} order by p.created_at, p.id limit 1)
        where s.patient_id is null and s.${contact} is not null
          and ${
            rowHasMrn
              ? 's.external_id is not null and exists (select 1 from patient where external_id is null)'
              : 's.external_id is null'
          }
          and exists (select 1 ${candidates})`);
    }
  }
  // 3. Existing patients take the file's non-empty values that differ: the rows that bring a
  // change are marked first, then their patients updated.
  statements.push(
    `update patient_stage s set changed = true from patient p where s.patient_id = p.id and (${BRINGS_CHANGE})`,
    `update patient p set ${SET_NEW_VALUES}, updated_at = ${at}
       from patient_stage s where s.patient_id = p.id and s.changed`,
  );
  // 4. New patients.
  statements.push(`insert into patient (id, hospital_id, external_id, first_name, last_name, phone, email, date_of_birth,
       gender, address, preferred_channel, preferred_language, consent_sms, consent_whatsapp, consent_email,
       created_at, updated_at)
     select s.new_id, s.hospital_id, s.external_id, s.first_name, s.last_name, s.phone, s.email, s.date_of_birth,
       s.gender, s.address,
       coalesce(s.preferred_channel, case when s.phone is null then 'email' else 'sms' end),
       coalesce(s.preferred_language, 'en'),
       coalesce(s.consent_sms, false), coalesce(s.consent_whatsapp, false), coalesce(s.consent_email, false),
       ${at}, ${at}
     from patient_stage s where s.patient_id is null`);
  // 5. Referrers: patients known by now, this batch's included (by phone, or by MRN at the same
  // hospital). A referrer that only appears further down the file is reported as unknown.
  if (hasReferrers) {
    statements.push(
      `update patient_stage s set referrer_id = coalesce(
        (select r.id from patient r where r.phone = s.referrer_phone order by r.created_at, r.id limit 1),
        (select r.id from patient r where r.external_id = s.referrer_external_id
           and coalesce(r.hospital_id, ${NO_HOSPITAL}) = coalesce(s.hospital_id, ${NO_HOSPITAL}) limit 1))
      where s.referrer_phone is not null or s.referrer_external_id is not null`,
      `update patient_stage s set changed = true from patient p
       where p.id = s.patient_id and s.referrer_id is not null and s.referrer_id <> p.id
         and p.referred_by is distinct from s.referrer_id`,
      `update patient p set referred_by = s.referrer_id, updated_at = ${at}
       from patient_stage s
       where p.id = coalesce(s.patient_id, s.new_id) and s.referrer_id is not null and s.referrer_id <> p.id
         and p.referred_by is distinct from s.referrer_id`,
      `select row_no, coalesce(referrer_phone, referrer_external_id) as value from patient_stage
      where (referrer_id is null or referrer_id = coalesce(patient_id, new_id)) and (referrer_phone is not null or referrer_external_id is not null)
      order by row_no`,
    );
  }
  statements.push(`select count(*) filter (where patient_id is null)::int as inserted,
             count(*) filter (where patient_id is not null and changed)::int as updated,
             count(*) filter (where patient_id is not null and not changed)::int as unchanged
      from patient_stage`);
  return statements;
}

/**
 * Runs statements in order on one connection and returns the rows of each. On PostgreSQL they go
 * as one script in one round trip (a batch used to make ~16; the gaps between them were ~1.5 s of
 * a 1M-row import); PGlite's `pg` shim takes one statement per query.
 */
async function runScript(
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

/**
 * Settings and lock of a batch's transaction.
 * - A batch's commit need not wait for its WAL to reach the disk: a crash can only lose whole
 *   batches, each with its checkpoint, which a re-run writes again. The import's last commit
 *   (finished_at) waits as usual, and with it everything before it.
 * - A batch is small next to the patient table: index lookups per staged row beat hashing the
 *   whole table, but the planner's estimates for temp tables often say otherwise.
 * - The advisory lock serialises the batch writes of concurrent imports (see the module comment).
 */
const BATCH_PREAMBLE = [
  'set local synchronous_commit = off',
  'set local enable_hashjoin = off',
  'set local enable_mergejoin = off',
  'set local jit = off',
  'set local client_min_messages = warning',
  `select pg_advisory_xact_lock(${ADVISORY_LOCK_KEY})`,
];

const STAGE_DEFINITION = `patient_stage (${STAGE_COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')},
  patient_id uuid, referrer_id uuid, changed boolean not null default false)`;

/**
 * Statements that leave the batch's staging table empty. On PostgreSQL one temp table per
 * connection serves every batch (emptied by each commit; no catalog churn per batch); PGlite,
 * where emptying it at commit cost more than creating it, gets a fresh one that goes with the
 * commit. A dry run's batches share one transaction: no commit empties or drops it between them.
 */
function stageStatements(kind: Database['kind'], dryRun: boolean): string[] {
  if (kind !== 'postgresql') {
    return [
      ...(dryRun ? ['drop table if exists patient_stage'] : []),
      `create temp table ${STAGE_DEFINITION} on commit drop`,
    ];
  }
  return [
    `create temp table if not exists ${STAGE_DEFINITION} on commit delete rows`,
    ...(dryRun ? ['delete from patient_stage'] : []),
  ];
}

interface ImportCheckpoint {
  id: string;
  rows_committed: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

async function startOrResume(
  em: EntityManager,
  input: PatientImportInput,
  sha: string,
): Promise<ImportCheckpoint> {
  const key = optionsKey(input);
  await query(
    em,
    `insert into patient_import (file_sha256, options_key, file_name, operator) values ($1, $2, $3, $4)
     on conflict (file_sha256, options_key) where finished_at is null do nothing`,
    [sha, key, input.file, input.actor.operator],
  );
  return (await queryOne<ImportCheckpoint>(
    em,
    `select id, rows_committed, inserted, updated, unchanged from patient_import
     where file_sha256 = $1 and options_key = $2 and finished_at is null`,
    [sha, key],
  ))!;
}

/** Imports a patients CSV. See the module comment for the guarantees. */
export async function importPatients(
  db: Database,
  clock: Clock,
  input: PatientImportInput,
): Promise<PatientImportResult> {
  const batchSize = input.batchSize ?? DEFAULT_BATCH_SIZE;
  const dryRun = input.dryRun ?? false;
  const totalBytes = importFileSize(input.file);
  checkErrorsFile(input.errorsFile);
  const em = db.em();
  const hospitals = await loadHospitalIds(em);
  let defaultHospitalId: string | null = null;
  if (input.hospitalCode) {
    defaultHospitalId = hospitals.get(input.hospitalCode.toUpperCase()) ?? null;
    if (!defaultHospitalId) throw new NotFoundError('hospital', input.hospitalCode);
  }

  const csv = await streamCsvBatches(input.file);
  await csv.close(); // only the header here: the rows are read by produceBatches
  if (!csv.header)
    throw new ValidationError('file', input.file, 'is empty (no header row)', 'import_empty_file');
  const headers = csv.header.map((h) => h.trim());
  const mapping: ColumnMapping = mapColumns(headers, input.maps);
  if (mapping.unknownColumns.length > 0) {
    input.onWarning?.(`ignoring unknown columns: ${mapping.unknownColumns.join(', ')}`);
  }

  // Rows are read and validated on a worker thread, so that the main thread only drives the
  // database: the embedded one (PGlite) runs on this thread, and on PostgreSQL the protocol work
  // and the parsing no longer take turns (1M rows: 15.6 s → 14.1 s). It starts before the file is
  // hashed for its checkpoint, so the first batch is ready when the database is; batches that an
  // interrupted run committed are skipped below (the worker still validates them, as it must for
  // the errors file).
  const stageLoad = stageLoadFor(db);
  const producer = startProducer(
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
  );
  let checkpoint: ImportCheckpoint | undefined;
  // A dry run works in one transaction that is rolled back at the end, so later batches see
  // earlier ones and the counts are exactly those of a real run.
  const dryEm = dryRun ? db.em() : undefined;
  try {
    checkpoint = dryRun ? undefined : await startOrResume(em, input, await sha256File(input.file));
    if (dryEm) await dryEm.begin();
  } catch (error) {
    await producer.stop();
    throw error;
  }
  const resumeFrom = checkpoint?.rows_committed ?? 0;
  if (resumeFrom > 0)
    input.onWarning?.(`resuming an interrupted import of this file after data row ${resumeFrom}`);
  const totals = {
    inserted: checkpoint?.inserted ?? 0,
    updated: checkpoint?.updated ?? 0,
    unchanged: checkpoint?.unchanged ?? 0,
  };
  let unknownReferrers = 0;
  const now = clock.now().toISO()!;

  // A batch is four round trips on PostgreSQL: open (transaction, settings, lock, checkpoint,
  // stage), COPY, the upsert, close (checkpoint, audit, commit). A dry run's batches run inside
  // its one transaction and have no checkpoint.
  const writeBatch = async (batch: ProducedBatch): Promise<void> => {
    const { start, end } = batch;
    const counts = await withRawConnection(dryEm ?? em, async (client): Promise<BatchCounts | undefined> => {
      try {
        const opening = [...(checkpoint ? ['begin'] : []), ...BATCH_PREAMBLE];
        const checkAt = opening.length;
        if (checkpoint)
          opening.push(
            `select rows_committed from patient_import where id = ${sqlLiteral(checkpoint.id)} for update`,
          );
        opening.push(...stageStatements(db.kind, dryRun));
        const opened = await runScript(client, db.kind, opening);
        if (checkpoint && (opened[checkAt][0] as { rows_committed: number }).rows_committed >= end) {
          await client.query('rollback');
          return undefined; // another runner wrote this range
        }
        await loadStageRows(client, 'patient_stage', STAGE_COLUMNS, batch.stage, stageLoad);
        const upserted = await runScript(client, db.kind, upsertStatements(now, batch.hasReferrers));
        const counts = upserted.at(-1)![0] as { inserted: number; updated: number; unchanged: number };
        counts.updated += batch.dupUpdated;
        counts.unchanged += batch.dupUnchanged;
        const unknown = batch.hasReferrers ? (upserted.at(-2) as { row_no: number; value: string }[]) : [];
        if (checkpoint) {
          await runScript(client, db.kind, [
            `update patient_import set rows_committed = ${end}, inserted = inserted + ${counts.inserted},
               updated = updated + ${counts.updated}, unchanged = unchanged + ${counts.unchanged}
             where id = ${sqlLiteral(checkpoint.id)}`,
            auditStatement(
              input.actor,
              'patient_import',
              checkpoint.id,
              { rows: [start + 1, end], ...counts },
              now,
            ),
            'commit',
          ]);
        }
        return { ...counts, unknownReferrers: unknown.map((u) => ({ rowNumber: u.row_no, value: u.value })) };
      } catch (error) {
        if (checkpoint) await client.query('rollback').catch(() => undefined);
        throw error;
      }
    });
    if (!counts) return;
    totals.inserted += counts.inserted;
    totals.updated += counts.updated;
    totals.unchanged += counts.unchanged;
    unknownReferrers += counts.unknownReferrers.length;
    for (const u of counts.unknownReferrers.slice(0, 5)) {
      input.onWarning?.(
        `row ${u.rowNumber}: referred_by ${JSON.stringify(u.value)} is not a known patient; imported without a referrer`,
      );
    }
  };

  let rowsRead = 0;
  let rejected = 0;
  let errorsFile: string | null = null;
  const result = (): PatientImportResult => ({
    ...totals,
    rejected,
    errorsFile,
    rows: rowsRead,
    dryRun,
    resumedRows: resumeFrom,
    unknownColumns: mapping.unknownColumns,
    unknownReferrers,
  });

  let inFlight: Promise<void> | undefined;
  try {
    for await (const event of producer.events) {
      rowsRead = event.rowsRead;
      rejected = event.rejected;
      if (event.type === 'tooManyErrors') {
        if (inFlight) await inFlight;
        inFlight = undefined;
        if (input.errorsFile) errorsFile = input.errorsFile;
        throw new TooManyErrorsError(input.maxErrors!, event.atRow, result());
      }
      if (event.type === 'done') {
        errorsFile = event.errorsFile;
        break;
      }
      if (event.end <= resumeFrom) continue; // committed by the interrupted run
      if (inFlight) await inFlight;
      // Reading of the next batch overlaps with the database's work on this one.
      inFlight = writeBatch(event);
      inFlight.catch(() => undefined);
      input.onProgress?.({ bytesRead: event.bytesRead, totalBytes, rows: event.rowsRead });
    }
    if (inFlight) await inFlight;
    inFlight = undefined;
    if (checkpoint) {
      await query(em, 'update patient_import set finished_at = $2::timestamptz where id = $1', [
        checkpoint.id,
        now,
      ]);
    }
    input.onProgress?.({ bytesRead: totalBytes, totalBytes, rows: rowsRead });
  } catch (error) {
    if (inFlight) await inFlight.catch(() => undefined);
    throw error;
  } finally {
    if (dryEm) await dryEm.rollback();
  }
  if (unknownReferrers > 5) input.onWarning?.(`${unknownReferrers} rows in all named an unknown referrer`);
  return result();
}

/**
 * An error thrown on the worker thread arrives here as a plain Error that keeps its own
 * properties: an input error (a CrmError, e.g. a quote never closed) is made one again, so that
 * it keeps its code and exit code.
 */
function asCrmError(error: Error): Error {
  const { code, exitCode } = error as Partial<CrmError>;
  return typeof code === 'string' && typeof exitCode === 'number'
    ? new CrmError(code, error.message, exitCode)
    : error;
}

/** The producer of an import's batches, running; `stop` ends it early. */
interface RunningProducer {
  events: AsyncGenerator<ProducerEvent>;
  stop(): Promise<void>;
}

/**
 * Starts `produceBatches` on a worker thread (patient-import.worker.ts) at once. Running from the
 * TypeScript sources (tests), the compiled worker in dist/ is used; without a build, the rows are
 * read in-line instead, when the events are first asked for.
 */
function startProducer(input: ProducerInput, boundHeap: boolean): RunningProducer {
  const fromSource = import.meta.url.endsWith('.ts');
  const script = new URL(
    fromSource ? '../../../dist/src/core/patients/patient-import.worker.js' : './patient-import.worker.js',
    import.meta.url,
  );
  if (!existsSync(fileURLToPath(script))) {
    const events = produceBatches(input);
    return {
      events,
      async stop() {
        await events.return(undefined);
      },
    };
  }
  // The worker builds one batch at a time; up to four more wait as COPY data. On PostgreSQL a
  // bounded heap makes V8 collect its garbage early instead of letting it pile up (1M rows: peak
  // RSS 349 → 231–250 MB, for ~10% of speed); the bound leaves room for records of tens of
  // megabytes (a 30 MB quoted field imports). On the embedded database PGlite's own ~500 MB dwarf
  // it, and speed counts.
  const worker = new Worker(script, {
    workerData: input,
    resourceLimits: boundHeap
      ? { maxOldGenerationSizeMb: 128 + Math.ceil((input.batchSize * 3) / 256) }
      : undefined,
  });
  const queue: ProducerEvent[] = [];
  let failure: Error | undefined;
  let exited = false;
  let wake: (() => void) | undefined;
  const exit = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('message', (event: ProducerEvent) => {
    queue.push(event);
    wake?.();
  });
  worker.on('error', (error) => {
    failure = asCrmError(error);
    wake?.();
  });
  void exit.then(() => {
    exited = true;
    wake?.();
  });
  let finished = false;
  async function* events(): AsyncGenerator<ProducerEvent> {
    try {
      for (;;) {
        const event = queue.shift();
        if (event) {
          if (event.type === 'batch') worker.postMessage('credit');
          else finished = true;
          yield event;
          if (finished) return;
          continue;
        }
        if (failure && !exited) {
          // The worker's messages and its error come by different channels; the batches it sent
          // before failing are all in once it has exited, and are taken before the error.
          await exit;
          continue;
        }
        if (failure) throw failure;
        if (exited) throw new Error('the patient import worker stopped before the end of the file');
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      // After its last event the worker closes the errors file and ends by itself; stopped early
      // (an error in the database half), it is stopped.
      if (finished) await exit;
      else await worker.terminate();
    }
  }
  return {
    events: events(),
    async stop() {
      await worker.terminate();
    },
  };
}
