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
import { ErrorsFileWriter, type RowProblem } from '../imports/errors-file.js';
import type { StageBatch } from '../imports/stage-load.js';
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

/*
 * Duplicate detection (SPEC §2). Two rows are the same patient when, within one hospital, their
 * MRNs are equal, or else their phone — or e-mail — and their names (ignoring case) are. This
 * used to be one Map keyed by strings such as `p|<hospital>|<phone>|<first>|<last>` (lower-cased
 * names); building and hashing three such strings per row was a hot spot of big imports, and a
 * `|` inside an e-mail or a name could make two different patients spell the same key. The
 * indexes below key by the values the rows already hold and lower-case names only when a phone or
 * e-mail is found again; they compare the parts themselves, as the database's matching does.
 */

/** The hospital part of the identity keys. */
const hospitalKey = (s: StagedRow): string => s.hospitalId ?? '-';

/** hospital → MRN → the row the MRN names. */
class MrnIndex {
  private readonly byHospital = new Map<string, Map<string, StagedRow>>();

  get(hospital: string, mrn: string): StagedRow | undefined {
    return this.byHospital.get(hospital)?.get(mrn);
  }

  /** Points the MRN at `row`; when `onlyIfAbsent`, only if it names no row yet. */
  set(hospital: string, mrn: string, row: StagedRow, onlyIfAbsent: boolean): void {
    let rows = this.byHospital.get(hospital);
    if (!rows) {
      rows = new Map();
      this.byHospital.set(hospital, rows);
    }
    if (!onlyIfAbsent || !rows.has(mrn)) rows.set(mrn, row);
  }
}

/** A contact key's names as they were when the key was made (a merge may change the row's). */
interface ContactEntry {
  first: string;
  last: string;
  row: StagedRow;
  /** Another key with the same hospital and contact value (and other names). */
  next: ContactEntry | undefined;
}

/**
 * hospital → phone (or e-mail) → names → row. The contact value keys a Map; on a hit the names
 * are compared, ignoring case, along the short chain of entries that share it (nearly always one).
 */
class ContactIndex {
  private readonly byHospital = new Map<string, Map<string, ContactEntry>>();

  find(hospital: string, contact: string, first: string, last: string): ContactEntry | undefined {
    for (let e = this.byHospital.get(hospital)?.get(contact); e; e = e.next)
      if (sameNames(e, first, last)) return e;
    return undefined;
  }

  /** Points the key at `row`; when `onlyIfAbsent`, only if it names no row yet. */
  set(
    hospital: string,
    contact: string,
    first: string,
    last: string,
    row: StagedRow,
    onlyIfAbsent: boolean,
  ): void {
    const found = this.find(hospital, contact, first, last);
    if (found) {
      if (!onlyIfAbsent) found.row = row;
      return;
    }
    let heads = this.byHospital.get(hospital);
    if (!heads) {
      heads = new Map();
      this.byHospital.set(hospital, heads);
    }
    heads.set(contact, { first, last, row, next: heads.get(contact) });
  }
}

/** Whether an entry's names are (first, last), ignoring case. */
function sameNames(e: ContactEntry, first: string, last: string): boolean {
  return (
    (e.first === first && e.last === last) ||
    (e.first.toLowerCase() === first.toLowerCase() && e.last.toLowerCase() === last.toLowerCase())
  );
}

/** The identity indexes of one batch. */
class Identities {
  private readonly mrns = new MrnIndex();
  private readonly phones = new ContactIndex();
  private readonly emails = new ContactIndex();

  /**
   * The earlier row `current` is the same patient as: by MRN, else by phone and name, else by
   * e-mail and name — but two different MRNs are two patients even when phone and name agree.
   */
  match(current: StagedRow): StagedRow | undefined {
    const h = hospitalKey(current);
    const r = current.row;
    if (r.externalId) {
      const byMrn = this.mrns.get(h, r.externalId);
      if (byMrn) return byMrn;
    }
    if (r.phone) {
      const candidate = this.phones.find(h, r.phone, r.firstName, r.lastName)?.row;
      if (candidate && compatibleMrns(candidate, current)) return candidate;
    }
    if (r.email) {
      const candidate = this.emails.find(h, r.email, r.firstName, r.lastName)?.row;
      if (candidate && compatibleMrns(candidate, current)) return candidate;
    }
    return undefined;
  }

  /**
   * Points the row's keys (as its values are now) at it: all of them for a new patient, only
   * the keys no row has yet for one merged into.
   */
  add(s: StagedRow, onlyIfAbsent: boolean): void {
    const h = hospitalKey(s);
    const r = s.row;
    if (r.externalId) this.mrns.set(h, r.externalId, s, onlyIfAbsent);
    if (r.phone) this.phones.set(h, r.phone, r.firstName, r.lastName, s, onlyIfAbsent);
    if (r.email) this.emails.set(h, r.email, r.firstName, r.lastName, s, onlyIfAbsent);
  }
}

function compatibleMrns(candidate: StagedRow, current: StagedRow): boolean {
  return (
    !candidate.row.externalId ||
    !current.row.externalId ||
    candidate.row.externalId === current.row.externalId
  );
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
  const identities = new Identities();
  const merged: StagedRow[] = [];
  let updated = 0;
  let unchanged = 0;
  for (const current of rows) {
    const target = identities.match(current);
    if (!target) {
      // The batch's rows are not used after merging, so the first occurrence is merged into in place.
      merged.push(current);
      identities.add(current, false);
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
    identities.add(target, true);
  }
  return { merged, updated, unchanged };
}

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
}

export type ProducerEvent =
  | ProducedBatch
  | { type: 'tooManyErrors'; atRow: number; rowsRead: number; rejected: number }
  | { type: 'done'; rowsRead: number; rejected: number; errorsFile: string | null };

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
    yield { type: 'done', rowsRead: dataRows, rejected, errorsFile };
  } finally {
    await errors?.close();
  }
}
