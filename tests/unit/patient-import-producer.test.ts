/**
 * The patient-import producer's hot paths (COPY text, ids, duplicate merging) were rewritten for
 * speed; these properties hold each one to the simpler implementation it replaced, kept here as
 * the oracle.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { uuid7, writeUuid7 } from '../../src/core/db/uuid7.js';
import {
  CopyBinaryBuilder,
  CopyTextBuilder,
  copyText,
  type StageValue,
} from '../../src/core/imports/copy-encoders.js';
import type { PatientRow } from '../../src/core/patients/patient-csv.parser.js';
import { mergeDuplicates, type StagedRow } from '../../src/core/patients/patient-duplicates.js';
import { batchEnd, STAGE_COLUMNS, stageCopyBinary } from '../../src/core/patients/patient-import.producer.js';

// ---- The implementations before the rewrite (oracles) ----

function oldCopyText(rows: StageValue[][]): string {
  const lines: string[] = [];
  for (const values of rows) {
    lines.push(
      values
        .map((v) => {
          if (v === null) return '\\N';
          if (typeof v !== 'string') return String(v);
          return /[\\\t\n\r]/.test(v)
            ? v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
            : v;
        })
        .join('\t'),
    );
  }
  return `${lines.join('\n')}\n`;
}

function oldUuid7(now = Date.now()): string {
  const ts = now.toString(16).padStart(12, '0');
  return `${ts.slice(0, 8)}-${ts.slice(8, 12)}-7${randomUUID().slice(15)}`;
}

/**
 * The test's reference for mergeDuplicates: the string-keyed implementation it replaced, with one
 * fix (its keys joined the parts with `|`, so a `|` inside an e-mail or a name could make two
 * patients spell the same key; here each key is the JSON of its parts).
 */
function referenceIdentityKeys(s: StagedRow): { mrn?: string; contact: string[] } {
  const h = s.hospitalId ?? '-';
  const key = (...parts: string[]) => JSON.stringify(parts);
  const first = s.row.firstName.toLowerCase();
  const last = s.row.lastName.toLowerCase();
  const contact: string[] = [];
  if (s.row.phone) contact.push(key('p', h, s.row.phone, first, last));
  if (s.row.email) contact.push(key('e', h, s.row.email, first, last));
  return { mrn: s.row.externalId ? key('m', h, s.row.externalId) : undefined, contact };
}

function referenceMergeDuplicates(rows: StagedRow[]): {
  merged: StagedRow[];
  updated: number;
  unchanged: number;
} {
  const byKey = new Map<string, StagedRow>();
  const merged: StagedRow[] = [];
  let updated = 0;
  let unchanged = 0;
  for (const current of rows) {
    const keys = referenceIdentityKeys(current);
    let target: StagedRow | undefined = keys.mrn ? byKey.get(keys.mrn) : undefined;
    if (!target) {
      for (const key of keys.contact) {
        const candidate = byKey.get(key);
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
    const targetKeys = referenceIdentityKeys(target);
    for (const key of [targetKeys.mrn, ...targetKeys.contact])
      if (key && !byKey.has(key)) byKey.set(key, target);
  }
  return { merged, updated, unchanged };
}

function oldStageValues(s: StagedRow): StageValue[] {
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
    oldUuid7(),
  ];
}

// ---- Generators ----

/** Any UTF-16 code unit, lone surrogates included, weighted towards what COPY escapes. */
const codeUnit = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('\\', '\t', '\n', '\r', 'a', 'Z', '|', ' ', 'N') },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) },
);
const anyText = fc.string({ unit: codeUnit, maxLength: 12 });

const stageValue: fc.Arbitrary<StageValue> = fc.oneof(
  anyText,
  fc.constant(null),
  fc.boolean(),
  fc.maxSafeNat(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 1e21, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY),
  fc.bigInt(),
);

/** Few distinct values, so that batches are full of duplicates, odd ones (`|`, case) included. */
const pick = <T>(...values: T[]) => fc.constantFrom(...values);
const patientRow: fc.Arbitrary<Omit<PatientRow, 'rowNumber'>> = fc.record(
  {
    externalId: pick('M1', 'M2', 'm1', 'M|1', 'M'),
    firstName: pick('Ada', 'ada', 'ADA', 'Bola', 'x|y', 'x', 'İ', 'i̇'),
    lastName: pick('Obi', 'obi', 'Eze', 'y|z', 'z', 'y'),
    phone: pick('+2348031234567', '+2348031234568', 'p|x', 'p', ''),
    email: pick('a@x.ng', 'A@x.ng', 'b@x.ng', 'a@x.ng|x', 'a@x.ng|x|y', 'a@x.ng|', ''),
    dateOfBirth: pick('1990-01-01', '1991-02-02'),
    gender: pick('female' as const, 'male' as const),
    address: pick('1 Marina', '2 Broad St\tLagos'),
    preferredChannel: pick('sms' as const, 'email' as const),
    preferredLanguage: pick('en' as const, 'yo' as const),
    referrerPhone: pick('+2348030000000'),
    referrerExternalId: pick('R1', 'R2'),
    smsConsent: fc.boolean(),
    whatsappConsent: fc.boolean(),
    emailConsent: fc.boolean(),
  },
  { requiredKeys: ['firstName', 'lastName'] },
);
const batch: fc.Arbitrary<StagedRow[]> = fc
  .array(fc.tuple(patientRow, pick<string | null>(null, 'h1', 'h2')), { maxLength: 40 })
  .map((rows) => rows.map(([row, hospitalId], i) => ({ hospitalId, row: { rowNumber: i + 2, ...row } })));

const UUID7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// ---- Properties ----

describe('copyText', () => {
  it('writes what the join-and-replace implementation wrote', () => {
    fc.assert(
      fc.property(fc.array(fc.array(stageValue, { maxLength: 20 }), { maxLength: 20 }), (rows) => {
        expect(copyText(rows)).toBe(oldCopyText(rows));
      }),
      { numRuns: 2000 },
    );
  });

  it('builds one text after another with the same builder', () => {
    const out = new CopyTextBuilder();
    fc.assert(
      fc.property(fc.array(fc.array(stageValue, { maxLength: 20 }), { maxLength: 20 }), (rows) => {
        for (const values of rows) {
          values.forEach((v, i) => {
            if (i > 0) out.tab();
            out.value(v);
          });
          out.endRow();
        }
        expect(out.finish()).toBe(rows.length === 0 ? '' : oldCopyText(rows));
      }),
    );
  });

  it('grows past its first buffer', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => [i, `name\t${i}\\`, null, 'ọmọ\n', true]);
    expect(copyText(rows)).toBe(oldCopyText(rows));
  });
});

describe('uuid7', () => {
  it('is a version-7, variant-10 UUID whose first 48 bits are the millisecond', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (now) => {
        const id = uuid7(now);
        expect(id).toMatch(UUID7);
        expect(id.slice(0, 13)).toBe(oldUuid7(now).slice(0, 13));
      }),
    );
  });

  it('orders by millisecond and does not repeat (across refills of its random pool)', () => {
    const start = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < 20_000; i++) ids.push(uuid7(start + Math.floor(i / 7)));
    expect(ids.every((id) => UUID7.test(id))).toBe(true);
    for (let i = 1; i < ids.length; i++) expect(ids[i].slice(0, 13) >= ids[i - 1].slice(0, 13)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // The random bits look random: every hex digit turns up in each random position.
    for (const position of [15, 20, 35]) expect(new Set(ids.map((id) => id[position])).size).toBe(16);
    expect(new Set(ids.map((id) => id[19]))).toEqual(new Set(['8', '9', 'a', 'b']));
  });

  it('writes its 16 bytes in place', () => {
    const bytes = Buffer.alloc(20);
    writeUuid7(bytes, 2, 0x0123456789ab);
    expect([...bytes.subarray(0, 2), ...bytes.subarray(18)]).toEqual([0, 0, 0, 0]);
    expect(bytes.subarray(2, 9).toString('hex').slice(0, 13)).toBe('0123456789ab7');
    expect(bytes[10] >> 6).toBe(0b10);
  });
});

describe('mergeDuplicates', () => {
  it('merges exactly as one map keyed by (hospital, MRN) and (hospital, contact, names) would', () => {
    fc.assert(
      fc.property(batch, (rows) => {
        const expected = referenceMergeDuplicates(structuredClone(rows));
        const actual = mergeDuplicates(structuredClone(rows));
        expect(actual).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps two patients apart whose e-mail and first name only spell the same text together', () => {
    const row = (rowNumber: number, email: string, firstName: string): StagedRow => ({
      row: { rowNumber, firstName, lastName: 'Obi', email } as PatientRow,
      hospitalId: null,
    });
    // The old keys: `e|-|a@b.ng|x|y|obi` for both.
    const { merged, updated, unchanged } = mergeDuplicates([
      row(2, 'a@b.ng|x', 'y'),
      row(3, 'a@b.ng', 'x|y'),
    ]);
    expect(merged.map((m) => m.row.rowNumber)).toEqual([2, 3]);
    expect(updated + unchanged).toBe(0);
    // The same e-mail and names in another case are one patient.
    expect(mergeDuplicates([row(2, 'a@b.ng', 'Ada'), row(3, 'a@b.ng', 'ADA')]).merged).toHaveLength(1);
  });
});

/** Reads binary COPY data back into rows of raw fields (null for SQL null). */
function decodeCopyBinary(data: Uint8Array): (Buffer | null)[][] {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  expect(b.subarray(0, 11).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0');
  expect(b.readInt32BE(11)).toBe(0);
  expect(b.readInt32BE(15)).toBe(0);
  let at = 19;
  const rows: (Buffer | null)[][] = [];
  for (;;) {
    const fields = b.readInt16BE(at);
    at += 2;
    if (fields === -1) break;
    const row: (Buffer | null)[] = [];
    for (let i = 0; i < fields; i++) {
      const length = b.readInt32BE(at);
      at += 4;
      row.push(length === -1 ? null : b.subarray(at, at + length));
      if (length > 0) at += length;
    }
    rows.push(row);
  }
  expect(at).toBe(b.length);
  return rows;
}

/** A staging value as PostgreSQL would read it from its binary field, in the oracle's terms. */
function readField(field: Buffer | null, type: string): StageValue {
  if (field === null) return null;
  if (type === 'int') return field.readInt32BE(0);
  if (type === 'boolean') return field[0] === 1;
  if (type === 'date') {
    return new Date((field.readInt32BE(0) + 10_957) * 86_400_000).toISOString().slice(0, 10);
  }
  if (type === 'uuid') {
    const hex = field.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  return field.toString('utf8');
}

describe('stageCopyBinary', () => {
  const hospitals = [randomUUID(), randomUUID()];
  const anyRows: fc.Arbitrary<StagedRow[]> = fc
    .array(
      fc.tuple(
        fc.record(
          {
            externalId: anyText,
            firstName: anyText,
            lastName: anyText,
            phone: anyText,
            address: fc.string({ maxLength: 30 }),
            dateOfBirth: fc
              .date({ min: new Date('1900-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
              .map((d) => d.toISOString().slice(0, 10)),
            smsConsent: fc.boolean(),
            referrerExternalId: fc.string({ unit: 'binary', maxLength: 8 }),
          },
          { requiredKeys: ['firstName', 'lastName'] },
        ),
        pick<string | null>(null, ...hospitals),
        fc.integer({ min: 2, max: 2 ** 31 - 1 }),
      ),
      { maxLength: 40 },
    )
    .map((rows) => rows.map(([row, hospitalId, rowNumber]) => ({ hospitalId, row: { rowNumber, ...row } })));

  it('writes each staging column as its binary field, with a new version-7 id per row', () => {
    const builder = new CopyBinaryBuilder();
    fc.assert(
      fc.property(
        fc.oneof(
          batch.map((rows) =>
            rows.map((r) => ({ ...r, hospitalId: r.hospitalId && hospitals[r.hospitalId === 'h1' ? 0 : 1] })),
          ),
          anyRows,
        ),
        fc.boolean(),
        (rows, reuse) => {
          const before = Date.now();
          const decoded = decodeCopyBinary(reuse ? stageCopyBinary(rows, builder) : stageCopyBinary(rows));
          expect(decoded).toHaveLength(rows.length);
          decoded.forEach((fields, i) => {
            expect(fields).toHaveLength(STAGE_COLUMNS.length);
            const expected = oldStageValues(rows[i])
              .slice(0, -1)
              .map((v) =>
                // What PostgreSQL stores of a JavaScript string: its UTF-8 (lone surrogates as U+FFFD).
                typeof v === 'string' ? Buffer.from(v, 'utf8').toString('utf8') : v,
              );
            const values = fields.slice(0, -1).map((f, c) => readField(f, STAGE_COLUMNS[c][1].split(' ')[0]));
            expect(values).toEqual(expected);
            const id = readField(fields.at(-1)!, 'uuid') as string;
            expect(id).toMatch(UUID7);
            const ms = Number.parseInt(id.replace('-', '').slice(0, 12), 16);
            expect(ms).toBeGreaterThanOrEqual(before);
            expect(ms).toBeLessThanOrEqual(Date.now());
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('writes an empty batch as a header and a trailer', () => {
    expect(decodeCopyBinary(stageCopyBinary([]))).toEqual([]);
  });
});

describe('batchEnd', () => {
  it('splits only the first batch: every later batch ends where it did, at a multiple of the size', () => {
    expect([0, 1250, 10_000, 20_000].map((start) => batchEnd(start, 10_000))).toEqual([
      1250, 10_000, 20_000, 30_000,
    ]);
    fc.assert(
      // Files of up to twenty batches and a bit.
      fc.property(
        fc.integer({ min: 1, max: 50_000 }),
        fc.double({ min: 0, max: 21, noNaN: true }),
        (size, n) => {
          const rows = Math.max(1, Math.round(size * n));
          const ends: number[] = [];
          for (let start = 0; start < rows; start = ends.at(-1)!) ends.push(batchEnd(start, size));
          expect(ends[0]).toBeGreaterThanOrEqual(1);
          expect(ends[0]).toBeLessThanOrEqual(size);
          // Strictly increasing (every row is in exactly one batch), later ends at multiples of the
          // size, and the last batch is the one that reaches the end of the file.
          for (let i = 1; i < ends.length; i++) {
            expect(ends[i]).toBeGreaterThan(ends[i - 1]);
            expect(ends[i] % size).toBe(0);
            expect(ends[i - 1]).toBeLessThan(rows);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
