import { existsSync, readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/database.js';
import { query } from '../../src/core/db/sql.js';
import { fixedClock } from '../../src/core/time.js';
import {
  importTransactions,
  type TransactionImportInput,
} from '../../src/core/transactions/transaction-import.service.js';
import { createTestDatabase, onPostgres, type TestDatabase } from '../support/db.js';
import { makeHospital } from '../support/factories.js';
import { tempPath, writeTempFile } from '../support/files.js';
import { services } from '../support/services.js';

const clock = fixedClock(DateTime.fromISO('2026-11-25T10:00:00+01:00'));
const ada = { operator: 'ada', command: 'crm test' };

/**
 * The direct COPY path (PostgreSQL, a real run without --max-errors) must end exactly where the
 * batched path ends: same summary, same errors file, same rows. Each file is imported with the
 * direct path into one database and with the batched path (forced by a --max-errors nobody
 * reaches) into another; a third number tells which path did the work: the audit rows, one per
 * committed chunk (direct: 30 rows) or per batch (batched).
 */
describe.runIf(onPostgres)('transaction import: direct COPY path against the batched path', () => {
  let direct: { tdb: TestDatabase; db: Database };
  let batched: { tdb: TestDatabase; db: Database };

  beforeAll(async () => {
    const open = async () => {
      const tdb = await createTestDatabase();
      const db = await tdb.open();
      for (const code of ['LAG-001', 'ABJ-001'])
        await makeHospital(services(db, { actor: ada }), { code, name: code });
      return { tdb, db };
    };
    [direct, batched] = await Promise.all([open(), open()]);
  });
  afterAll(async () => {
    for (const side of [direct, batched]) {
      await side?.db.close();
      await side?.tdb.drop();
    }
  });

  const snapshot = (db: Database) =>
    query<{ row: string }>(
      db.em(),
      `select concat_ws('|', t.reference, h.code, to_char(t.occurred_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'),
         t.amount_kobo, t.kind) as row
       from hospital_transaction t join hospital h on h.id = t.hospital_id order by t.reference`,
    );
  const auditRows = async (db: Database) =>
    (
      await query<{ n: number }>(
        db.em(),
        "select count(*)::int as n from audit_log where entity = 'transaction_import'",
      )
    )[0].n;

  async function importBoth(content: string, extra: Partial<TransactionImportInput> = {}) {
    const file = writeTempFile(content);
    const run = async (side: typeof direct, name: string, forceBatched: boolean) => {
      const errorsFile = tempPath(`${name}-errors-${Math.random().toString(36).slice(2)}.csv`);
      const auditBefore = await auditRows(side.db);
      const result = await importTransactions(services(side.db, { actor: ada, clock }), {
        file,
        errorsFile,
        batchSize: 3,
        directChunkRows: 30,
        ...extra,
        ...(forceBatched ? { maxErrors: 1_000_000 } : {}),
      });
      return {
        result,
        errors: existsSync(errorsFile) ? readFileSync(errorsFile, 'utf8') : null,
        audit: (await auditRows(side.db)) - auditBefore,
      };
    };
    const a = await run(direct, 'direct', false);
    const b = await run(batched, 'batched', true);
    expect({ ...a.result, errorsFile: a.errors }).toEqual({ ...b.result, errorsFile: b.errors });
    expect(await snapshot(direct.db)).toEqual(await snapshot(batched.db));
    return { result: a.result, errors: a.errors, directAudit: a.audit, batchedAudit: b.audit };
  }

  it('takes a messy but line-per-record file in one COPY per chunk: BOM, CRLF, quotes, bad rows', async () => {
    const lines = ['\uFEFFHospital Code,Ref,Occurred At,Amount,Type,Note'];
    for (let i = 0; i < 40; i++)
      lines.push(
        `LAG-001,M-${i},2026-10-${String(1 + (i % 28)).padStart(2, '0')} 09:15,${100 + i}.5,payment,`,
      );
    lines.push('lag-001 , M-40 ,31/10/2026 23:30,"₦1,250.00", Refund ,"a note, with a comma"');
    lines.push('ABJ-001,M-41,2026-10-31T23:30:00Z,7,payment,');
    lines.push('ABJ-001,M-42,2026-02-30 10:00,7,payment,'); // no such day
    lines.push('ABJ-001,M-43,2026-10-05 10:00,-7,payment,'); // negative
    lines.push('KAN-009,M-44,2026-10-05 10:00,7,payment,'); // unknown hospital
    lines.push('ABJ-001,,2026-10-05 10:00,7,payment,'); // no reference
    lines.push('ABJ-001,M-45,2026-10-05 10:00,7'); // short row
    lines.push('');
    lines.push('ABJ-001,"M-46 ""quoted""",2026-10-05 10:00,0.07,refund,');
    lines.push('ABJ-001,M-47\\tab,2026-10-05 10:00,8,payment,');
    const outcome = await importBoth(`${lines.join('\r\n')}\r\n\r\n`);
    expect(outcome.result).toMatchObject({ inserted: 44, unchanged: 0, rejected: 5, rows: 49 });
    expect(outcome.errors).toMatch(/^\uFEFFrow,column,value,reason/);
    expect(outcome.errors).toMatch(/44,occurred_at,2026-02-30 10:00/);
    expect(outcome.errors).toMatch(/46,hospital,KAN-009,hospital: unknown hospital code/);
    // 49 rows in chunks of 30 → 2 audit rows; the batched path writes one per batch of 3.
    expect(outcome.directAudit).toBe(2);
    expect(outcome.batchedAudit).toBeGreaterThan(10);
  });

  it('steps aside at the first known reference; chunks already committed count as inserted', async () => {
    const body = Array.from(
      { length: 100 },
      (_, i) => `ABJ-001,K-${i},2026-10-${String(1 + (i % 28)).padStart(2, '0')} 11:00,${i + 1},payment`,
    );
    // K-70 is known before the import: chunks 1 and 2 (rows 1–60) commit, chunk 3 meets K-70.
    await importBoth(`hospital,reference,occurred_at,amount,kind\n${body[70]}\n`);
    const outcome = await importBoth(`hospital,reference,occurred_at,amount,kind\n${body.join('\n')}\n`);
    expect(outcome.result).toMatchObject({ inserted: 99, unchanged: 1, rejected: 0, conflicts: 0 });
    expect(outcome.directAudit).toBe(2 + 34);

    // The same file again: everything is known, nothing is inserted twice.
    const again = await importBoth(`hospital,reference,occurred_at,amount,kind\n${body.join('\n')}\n`);
    expect(again.result).toMatchObject({ inserted: 0, unchanged: 100, rejected: 0 });
  });

  it('repeated references inside the file: the same row is unchanged, other values are an error', async () => {
    const outcome = await importBoth(
      'hospital,reference,occurred_at,amount,kind\n' +
        'LAG-001,D-1,2026-10-01 10:00,5,payment\n' +
        'LAG-001,D-1,2026-10-01 10:00,5,payment\n' +
        'LAG-001,D-2,2026-10-01 10:00,5,payment\n' +
        'LAG-001,D-2,2026-10-01 10:00,6,payment\n',
    );
    expect(outcome.result).toMatchObject({ inserted: 2, unchanged: 1, rejected: 1 });
    // Rows 4 and 5 fall in different batches of 3: the second meets the first in the database.
    expect(outcome.errors).toMatch(
      /5,amount,₦6\.00,amount: reference D-2 was imported before with amount ₦5\.00/,
    );
  });

  it('leaves a file with a line break inside quotes to the full parser, with the same result', async () => {
    const outcome = await importBoth(
      'hospital;reference;occurred_at;amount;kind\n' +
        'LAG-001;Q-1;2026-10-01 10:00;5;payment\n' +
        'LAG-001;"Q-2\nsecond line";2026-10-01 10:00;5;payment\n' +
        'LAG-001;Q-3;2026-10-01 10:00;5,5;payment\n',
    );
    expect(outcome.result).toMatchObject({ inserted: 2, rejected: 1, rows: 3 });
    expect(outcome.directAudit).toBe(outcome.batchedAudit);
  });

  it('both paths stop at a quote that is never closed: exit 3 naming the row, the same rows kept', async () => {
    const file = writeTempFile(
      'hospital,reference,occurred_at,amount,kind\n' +
        'LAG-001,U-1,2026-10-01 10:00,5,payment\n' +
        'LAG-001,"U-2,2026-10-01 10:00,5,payment\n' +
        'LAG-001,U-3,2026-10-01 10:00,5,payment\n',
    );
    for (const [side, forceBatched] of [
      [direct, false],
      [batched, true],
    ] as const) {
      await expect(
        importTransactions(services(side.db, { actor: ada, clock }), {
          file,
          batchSize: 3,
          directChunkRows: 30,
          ...(forceBatched ? { maxErrors: 1_000_000 } : {}),
        }),
      ).rejects.toMatchObject({
        exitCode: 3,
        code: 'import_malformed_csv',
        message: expect.stringMatching(/^file: row 3 opens a quoted field that is never closed/),
      });
    }
    expect(await snapshot(direct.db)).toEqual(await snapshot(batched.db));
  });
});
