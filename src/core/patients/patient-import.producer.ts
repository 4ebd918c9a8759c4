/**
 * The JavaScript half of `crm patient import`: reads the file, validates every row, writes the
 * rejected ones to the errors file, and hands out batches ready for the database (duplicates
 * within the batch merged, the staging COPY text built). No database here, so it can run on a
 * worker thread while the main thread drives the database (the embedded one runs on the main
 * thread: PGlite) — see patient-import.worker.ts — or in-line on PostgreSQL.
 */
import { rmSync } from 'node:fs';
import { streamCsvBatches } from '../csv.js';
import { uuid7 } from '../db/uuid7.js';
import {
  copyText,
  ErrorsFileWriter,
  type RowProblem,
  type StageBatch,
  type StageValue,
} from '../imports/bulk-load.js';
import { type ColumnMapping, type PatientRow, validatePatientRecord } from './patient-csv.parser.js';

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

export interface StagedRow {
  row: PatientRow;
  hospitalId: string | null;
}

/** Keys under which two rows are the same patient (SPEC §2): hospital + MRN, else phone/e-mail + name. */
function identityKeys(s: StagedRow): { mrn?: string; contact: string[] } {
  const h = s.hospitalId ?? '-';
  const name = `${s.row.firstName.toLowerCase()}|${s.row.lastName.toLowerCase()}`;
  const contact: string[] = [];
  if (s.row.phone) contact.push(`p|${h}|${s.row.phone}|${name}`);
  if (s.row.email) contact.push(`e|${h}|${s.row.email}|${name}`);
  return { mrn: s.row.externalId ? `${h}|${s.row.externalId}` : undefined, contact };
}

/**
 * Merges rows of one batch that are the same patient, in file order: a later row's non-empty
 * values win, as they would if the rows were applied one after another. Returns the merged rows
 * and how many duplicate rows changed (updated) or repeated (unchanged) what came before.
 */
export function mergeDuplicates(rows: StagedRow[]): {
  merged: StagedRow[];
  updated: number;
  unchanged: number;
} {
  const byKey = new Map<string, StagedRow>();
  const merged: StagedRow[] = [];
  let updated = 0;
  let unchanged = 0;
  for (const current of rows) {
    const keys = identityKeys(current);
    let target: StagedRow | undefined = keys.mrn ? byKey.get(keys.mrn) : undefined;
    if (!target) {
      for (const key of keys.contact) {
        const candidate = byKey.get(key);
        // Two different MRNs are two patients even when phone and name agree.
        if (
          candidate &&
          (!candidate.row.externalId ||
            !current.row.externalId ||
            candidate.row.externalId === current.row.externalId)
        ) {
          target = candidate;
          break;
        }
      }
    }
    if (!target) {
      // The batch's rows are not used after merging, so the first occurrence is merged into in place.
      merged.push(current);
      if (keys.mrn) byKey.set(keys.mrn, current);
      for (const key of keys.contact) byKey.set(key, current);
      continue;
    }
    let changed = false;
    for (const [field, value] of Object.entries(current.row) as [keyof PatientRow, unknown][]) {
      if (field === 'rowNumber' || value === undefined) continue;
      if ((target.row as unknown as Record<string, unknown>)[field] !== value) {
        (target.row as unknown as Record<string, unknown>)[field] = value;
        changed = true;
      }
    }
    if (changed) updated++;
    else unchanged++;
    const targetKeys = identityKeys(target);
    for (const key of [targetKeys.mrn, ...targetKeys.contact])
      if (key && !byKey.has(key)) byKey.set(key, target);
  }
  return { merged, updated, unchanged };
}

function stageValues(s: StagedRow): StageValue[] {
  const r = s.row;
  return [
    r.rowNumber,
    s.hospitalId,
    r.externalId ?? null,
    r.firstName,
    r.lastName,
    r.phone ?? null,
    r.email ?? null,
    r.dateOfBirth ?? null,
    r.gender ?? null,
    r.address ?? null,
    r.preferredChannel ?? null,
    r.preferredLanguage ?? null,
    r.smsConsent ?? null,
    r.whatsappConsent ?? null,
    r.emailConsent ?? null,
    r.referrerPhone ?? null,
    r.referrerExternalId ?? null,
    uuid7(),
  ];
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
  /** Data rows an interrupted run committed: validated (for the errors file), not handed out. */
  resumeFrom: number;
  maxErrors?: number;
  errorsFile?: string;
}

/** One batch for the database: data rows (start, end] and what goes into the staging table. */
export interface ProducedBatch {
  type: 'batch';
  start: number;
  end: number;
  /** The merged rows' COPY text (no rows: an empty batch). */
  stage: StageBatch;
  /** Duplicate rows within the batch that changed, or repeated, what came before them. */
  dupUpdated: number;
  dupUnchanged: number;
  hasReferrers: boolean;
  /** Data rows read and rejected so far, and bytes of the file read. */
  rowsRead: number;
  rejected: number;
  bytesRead: number;
}

export type ProducerEvent =
  | ProducedBatch
  | { type: 'tooManyErrors'; atRow: number; rowsRead: number; rejected: number }
  | { type: 'done'; rowsRead: number; rejected: number; errorsFile: string | null };

/** The file's batches, in order; stops with `tooManyErrors` before the batch that exceeds the limit. */
export async function* produceBatches(input: ProducerInput): AsyncGenerator<ProducerEvent> {
  const hospitals = new Map(input.hospitals);
  const csv = await streamCsvBatches(input.file);
  let errors = input.errorsFile ? new ErrorsFileWriter(input.errorsFile, input.mapping.headers) : undefined;
  let rejected = 0;
  let dataRows = 0;
  let batch: StagedRow[] = [];
  let batchStart = 0;
  const handOut = (end: number): ProducedBatch | undefined => {
    const rows = batch;
    const start = batchStart;
    batch = [];
    batchStart = end;
    if (end <= input.resumeFrom) return undefined; // committed by an earlier run
    const { merged, updated, unchanged } = mergeDuplicates(rows);
    const values = merged.map(stageValues);
    return {
      type: 'batch',
      start,
      end,
      stage: values.length > 0 ? { text: copyText(values) } : [],
      dupUpdated: updated,
      dupUnchanged: unchanged,
      hasReferrers: merged.some((m) => m.row.referrerPhone || m.row.referrerExternalId),
      rowsRead: dataRows,
      rejected,
      bytesRead: csv.bytesRead(),
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
          await errors?.write(rowNumber, problems, record);
          if (input.maxErrors !== undefined && rejected > input.maxErrors) {
            yield { type: 'tooManyErrors', atRow: rowNumber, rowsRead: dataRows, rejected };
            return;
          }
        } else if (outcome.ok) {
          batch.push({ row: outcome.row, hospitalId });
        }
        if (dataRows - batchStart === input.batchSize) {
          const out = handOut(dataRows);
          if (out) yield out;
        }
      }
    }
    const last = handOut(dataRows);
    if (last) yield last;
    const written = errors;
    errors = undefined;
    await written?.close();
    const errorsFile = written && written.count > 0 ? written.path : null;
    if (written && written.count === 0) rmSync(written.path, { force: true });
    yield { type: 'done', rowsRead: dataRows, rejected, errorsFile };
  } finally {
    await errors?.close();
  }
}
