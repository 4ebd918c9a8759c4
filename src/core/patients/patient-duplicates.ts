/**
 * Rows of one import batch that are the same patient (SPEC §2), merged in file order before the
 * batch goes to the database, which matches the merged rows against the patients it knows.
 */
import type { PatientRow } from './patient-csv.parser.js';

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
