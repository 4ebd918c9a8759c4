/**
 * The JavaScript half of `crm patient import`: reads the file, validates every row, writes the
 * rejected ones to the errors file, and hands out batches ready for the database (duplicates
 * within the batch merged, the staging rows written as binary COPY data). No database here, so
 * it can run on a worker thread while the main thread drives the database (the embedded one runs
 * on the main thread: PGlite) — see patient-import.worker.ts — or in-line on PostgreSQL.
 */
import { rmSync } from 'node:fs';
import { streamCsvBatches } from '../csv.js';
import { CopyBinaryBuilder } from '../imports/copy-encoders.js';
import {
  ErrorsFileWriter,
  FIRST_REJECTIONS,
  type RowProblem,
  type RowRejection,
  rejectionOf,
} from '../imports/errors-file.js';
import type { StageBatch } from '../imports/stage-load.js';
import { type ColumnMapping, validatePatientRecord } from './patient-csv.parser.js';
import { mergeDuplicates, type StagedRow } from './patient-duplicates.js';

/** Staging columns in the order they are loaded. */
export const STAGE_COLUMNS: [name: string, type: string][] = [
  ['row_no', 'int'],
  ['hospital_id', 'uuid'],
  ['external_id', 'text collate "C"'],
  ['first_name', 'text'],
  ['last_name', 'text'],
  ['phone', 'text collate "C"'],
  ['email', 'text collate "C"'],
  ['date_of_birth', 'date'],
  ['gender', 'text'],
  ['address', 'text'],
  ['preferred_channel', 'text'],
  ['preferred_language', 'text'],
  ['consent_sms', 'boolean'],
  ['consent_whatsapp', 'boolean'],
  ['consent_email', 'boolean'],
  ['referrer_phone', 'text collate "C"'],
  ['referrer_external_id', 'text collate "C"'],
  ['new_id', 'uuid'],
];

/**
 * The merged rows for the staging table, in binary COPY format, columns in STAGE_COLUMNS order,
 * each with a new id. `out` is reused from batch to batch.
 */
export function stageCopyBinary(rows: StagedRow[], out = new CopyBinaryBuilder()): Uint8Array {
  for (const s of rows) {
    const r = s.row;
    out.row(STAGE_COLUMNS.length);
    out.int4(r.rowNumber);
    out.uuid(s.hospitalId);
    out.text(r.externalId);
    out.text(r.firstName);
    out.text(r.lastName);
    out.text(r.phone);
    out.text(r.email);
    out.date(r.dateOfBirth);
    out.text(r.gender);
    out.text(r.address);
    out.text(r.preferredChannel);
    out.text(r.preferredLanguage);
    out.boolean(r.smsConsent);
    out.boolean(r.whatsappConsent);
    out.boolean(r.emailConsent);
    out.text(r.referrerPhone);
    out.text(r.referrerExternalId);
    out.uuid7();
  }
  return out.finish();
}

export interface ProducerInput {
  file: string;
  mapping: ColumnMapping;
  /** Hospital code → id. */
  hospitals: [code: string, id: string][];
  defaultHospitalId: string | null;
  /** Lagos date of the run, `YYYY-MM-DD` (dates of birth after it are rejected). */
  today: string;
  batchSize: number;
  maxErrors?: number;
  errorsFile?: string;
}

/** One batch for the database: data rows (start, end] and what goes into the staging table. */
export interface ProducedBatch {
  type: 'batch';
  start: number;
  end: number;
  /** The merged rows' binary COPY data (no rows: an empty batch). */
  stage: StageBatch;
  /** Duplicate rows within the batch that changed, or repeated, what came before them. */
  dupUpdated: number;
  dupUnchanged: number;
  hasReferrers: boolean;
  /** Data rows read and rejected so far, and bytes of the file read. */
  rowsRead: number;
  rejected: number;
  bytesRead: number;
  /** The first rejected rows (FIRST_REJECTIONS in all) not yet handed out. */
  rejections: RowRejection[];
}

export type ProducerEvent =
  | ProducedBatch
  | { type: 'tooManyErrors'; atRow: number; rowsRead: number; rejected: number; rejections: RowRejection[] }
  | {
      type: 'done';
      rowsRead: number;
      rejected: number;
      errorsFile: string | null;
      rejections: RowRejection[];
    };

/**
 * Where the batch that starts after data row `start` ends. Batches end at multiples of the batch
 * size (the ranges that checkpoints count), except that the file's first batch is split: its
 * first eighth goes alone. The database waits for the worker's first batch, which is read while
 * the worker's code is still cold: an eighth of a batch is ready in about half the time, and the
 * import ends sooner.
 */
export function batchEnd(start: number, batchSize: number): number {
  return start === 0 ? Math.ceil(batchSize / 8) : (Math.floor(start / batchSize) + 1) * batchSize;
}

/** The file's batches, in order; stops with `tooManyErrors` before the batch that exceeds the limit. */
export async function* produceBatches(input: ProducerInput): AsyncGenerator<ProducerEvent> {
  const hospitals = new Map(input.hospitals);
  const csv = await streamCsvBatches(input.file);
  let errors = input.errorsFile ? new ErrorsFileWriter(input.errorsFile, input.mapping.headers) : undefined;
  let rejected = 0;
  let dataRows = 0;
  // The first rejected rows, handed out with the next event (structured-cloned from the worker).
  let rejections: RowRejection[] = [];
  const takeRejections = () => {
    const taken = rejections;
    rejections = [];
    return taken;
  };
  let batch: StagedRow[] = [];
  let batchStart = 0;
  const copyBuilder = new CopyBinaryBuilder();
  const handOut = (end: number): ProducedBatch => {
    const rows = batch;
    const start = batchStart;
    batch = [];
    batchStart = end;
    const { merged, updated, unchanged } = mergeDuplicates(rows);
    return {
      type: 'batch',
      start,
      end,
      stage: merged.length > 0 ? { binary: stageCopyBinary(merged, copyBuilder) } : [],
      dupUpdated: updated,
      dupUnchanged: unchanged,
      hasReferrers: merged.some((m) => m.row.referrerPhone || m.row.referrerExternalId),
      rowsRead: dataRows,
      rejected,
      bytesRead: csv.bytesRead(),
      rejections: takeRejections(),
    };
  };
  try {
    for await (const records of csv.batches) {
      for (const record of records) {
        dataRows++;
        const rowNumber = dataRows + 1; // the header is row 1, as in a spreadsheet
        const outcome = validatePatientRecord(record, rowNumber, input.mapping, { today: input.today });
        let problems: RowProblem[] | undefined = outcome.ok ? undefined : outcome.problems;
        let hospitalId = input.defaultHospitalId;
        if (outcome.ok && outcome.row.hospitalCode) {
          hospitalId = hospitals.get(outcome.row.hospitalCode) ?? null;
          if (!hospitalId)
            problems = [
              { column: 'hospital', value: outcome.row.hospitalCode, reason: 'unknown hospital code' },
            ];
        }
        if (problems) {
          rejected++;
          if (rejected <= FIRST_REJECTIONS) rejections.push(rejectionOf(rowNumber, problems));
          await errors?.write(rowNumber, problems, record);
          if (input.maxErrors !== undefined && rejected > input.maxErrors) {
            yield {
              type: 'tooManyErrors',
              atRow: rowNumber,
              rowsRead: dataRows,
              rejected,
              rejections: takeRejections(),
            };
            return;
          }
        } else if (outcome.ok) {
          batch.push({ row: outcome.row, hospitalId });
        }
        if (dataRows === batchEnd(batchStart, input.batchSize)) {
          yield handOut(dataRows);
        }
      }
    }
    yield handOut(dataRows);
    const written = errors;
    errors = undefined;
    await written?.close();
    const errorsFile = written && written.count > 0 ? written.path : null;
    if (written && written.count === 0) rmSync(written.path, { force: true });
    yield { type: 'done', rowsRead: dataRows, rejected, errorsFile, rejections: takeRejections() };
  } finally {
    await errors?.close();
  }
}
