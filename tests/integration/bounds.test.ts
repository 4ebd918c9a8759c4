/**
 * Bad cells are rejected rows, never a whole-file abort: NUL bytes (which PostgreSQL cannot store
 * in text), amounts beyond ₦10^12, transaction dates outside 2000-01-01 … now + 1 day. And the
 * database refuses out-of-bound money whoever writes it.
 */
import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/database.js';
import { query } from '../../src/core/db/sql.js';
import { importPatients } from '../../src/core/patients/patient-import.service.js';
import { fixedClock } from '../../src/core/time.js';
import { importTransactions } from '../../src/core/transactions/transaction-import.service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { makeContract, makeHospital } from '../support/factories.js';
import { tempPath, writeTempFile } from '../support/files.js';
import { services } from '../support/services.js';

const clock = fixedClock(DateTime.fromISO('2026-11-25T10:00:00+01:00'));
let tdb: TestDatabase;
let db: Database;
let hospital: string;
const svc = () => services(db, { clock });

/** The errors file's reasons by row number. */
function reasons(errorsFile: string): Record<string, string> {
  const lines = readFileSync(errorsFile, 'utf8')
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\n')
    .slice(1);
  return Object.fromEntries(lines.map((l) => [l.split(',')[0], l]));
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = await tdb.open();
  hospital = (await makeHospital(svc())).code;
});
afterAll(async () => {
  await db?.close();
  await tdb?.drop();
});

describe('patient import', () => {
  it('rejects the row of a NUL byte with its column and imports the rest', async () => {
    const file = writeTempFile(
      'MRN,First Name,Surname,Phone\n' +
        'NUL-1,Ada,Ok\u0000afor,08030000001\n' +
        'NUL-2,Bola,Ade,08030000002\n' +
        'NUL-3,Chidi,Eze,08030000003\n',
    );
    const errorsFile = tempPath('patients-nul.csv');
    const result = await importPatients(svc(), { file, hospitalCode: hospital, errorsFile });
    expect(result).toMatchObject({ inserted: 2, rejected: 1, errorsFile });
    expect(reasons(errorsFile)['2']).toMatch(/^2,last_name,.*last_name: holds a NUL byte/);
    const rows = await query<{ external_id: string }>(
      db.em(),
      "select external_id from patient where external_id like 'NUL-%' order by 1",
    );
    expect(rows.map((r) => r.external_id)).toEqual(['NUL-2', 'NUL-3']);
  });
});

describe('transaction import', () => {
  // Both paths: the direct COPY (PostgreSQL, no --max-errors) and the batched one.
  for (const [path, options] of [
    ['direct', {}],
    ['batched', { maxErrors: 100 }],
  ] as const) {
    it(`(${path}) rejects NUL bytes, huge amounts and impossible dates per row`, async () => {
      const ref = (n: number) => `BND-${path}-${n}`;
      const file = writeTempFile(
        'hospital,reference,occurred_at,amount,kind\n' +
          `${hospital},${ref(1)},2026-10-01 10:00,100.00,payment\n` +
          `${hospital},${ref(2)}\u0000x,2026-10-01 10:00,100.00,payment\n` +
          `${hospital},${ref(3)},2026-10-01 10:00,123456789012345678901,payment\n` +
          `${hospital},${ref(4)},2026-10-01 10:00,1000000000000000,payment\n` +
          `${hospital},${ref(5)},2099-10-01 10:00,100,payment\n` +
          `${hospital},${ref(6)},1990-10-01 10:00,100,payment\n` +
          `${hospital},${ref(7)},2026-11-26 10:00,100,payment\n` +
          `${hospital},${ref(8)},2026-10-02 10:00,1000000000000,payment\n`,
      );
      const errorsFile = tempPath(`transactions-${path}.csv`);
      const result = await importTransactions(svc(), { file, errorsFile, ...options });
      expect(result).toMatchObject({ inserted: 3, rejected: 5, errorsFile });
      const why = reasons(errorsFile);
      expect(Object.keys(why)).toEqual(['3', '4', '5', '6', '7']);
      expect(why['3']).toMatch(/reference: holds a NUL byte/);
      expect(why['4']).toMatch(/amount: is more than ₦1,000,000,000,000\.00/);
      expect(why['5']).toMatch(/amount: is more than ₦1,000,000,000,000\.00/);
      expect(why['6']).toMatch(/occurred_at: is in the future \(after 2026-11-26 10:00/);
      expect(why['7']).toMatch(/occurred_at: is before 2000-01-01/);
      const stored = await query<{ reference: string; amount_kobo: string }>(
        db.em(),
        'select reference, amount_kobo::text from hospital_transaction where reference like $1 order by 1',
        [`BND-${path}-%`],
      );
      expect(stored).toEqual([
        { reference: ref(1), amount_kobo: '10000' },
        { reference: ref(7), amount_kobo: '10000' },
        { reference: ref(8), amount_kobo: '100000000000000' },
      ]);
    });
  }
});

describe('database checks on money', () => {
  it('refuse a transaction amount or a guarantee above 10^14 kobo written directly', async () => {
    const [{ id }] = await query<{ id: string }>(db.em(), 'select id from hospital where code = $1', [
      hospital,
    ]);
    await expect(
      query(
        db.em(),
        `insert into hospital_transaction (reference, hospital_id, occurred_at, amount_kobo, kind)
         values ('BND-SQL', $1, now(), 100000000000001, 'payment')`,
        [id],
      ),
    ).rejects.toThrow(/hospital_transaction_amount_bound/);
    const contract = await makeContract(svc(), { guarantee: '1000000000000' });
    await expect(
      query(db.em(), 'update contract set guarantee_kobo = guarantee_kobo + 1 where number = $1', [
        contract.number,
      ]),
    ).rejects.toThrow(/contract_guarantee_bound/);
  });
});
