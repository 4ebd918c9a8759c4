/**
 * An import without --errors that rejects rows says why on stderr: the first five rejected rows
 * with their row number, column, value and reason, then the exit-6 line; --json keeps its one
 * document on stdout. With --errors the reasons are in the file and stderr only names it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { tempPath, writeTempFile } from '../support/files.js';

let tdb: TestDatabase;
const crm = (args: string[]) => runCli(args, tdb.env);

beforeAll(async () => {
  tdb = await createTestDatabase();
}, 120_000);
afterAll(async () => {
  await tdb?.drop();
});

const bad = (n: number) => `First${n},Last${n},08${n}`; // too short a phone

describe('rejection reasons without --errors', { timeout: 180_000 }, () => {
  it('patient import prints the first 5 reasons (row, column, value, reason) and exits 6', async () => {
    const rows = ['first_name,last_name,phone', 'Ada,Obi,08031234567'];
    for (let i = 0; i < 7; i++) rows.push(bad(i));
    rows.push('Ngozi,,08031234568'); // row 10, past the first five
    const file = writeTempFile(`${rows.join('\n')}\n`);
    const r = await crm(['patient', 'import', file]);
    expect(r.code).toBe(6);
    const lines = r.stderr.split('\n').filter((l) => /^row \d+: /.test(l));
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^row 3: phone "080": .+/);
    expect(lines.map((l) => Number(/^row (\d+)/.exec(l)![1]))).toEqual([3, 4, 5, 6, 7]);
    expect(r.stderr).toMatch(/8 row\(s\) rejected; the first 5 above; pass --errors FILE/);
    expect(r.stdout).not.toMatch(/^row \d+:/m);
  });

  it('--json keeps one document on stdout, the reasons on stderr; --errors names the file instead', async () => {
    const file = writeTempFile('first_name,last_name,phone\nAda,,08031234569\n');
    const r = await crm(['patient', 'import', file, '--json']);
    expect(r.code).toBe(6);
    expect(JSON.parse(r.stdout)).toMatchObject({ rejected: 1, errorsFile: null });
    expect(r.stderr).toMatch(/^row 2: last_name "": is required/m);
    expect(r.stderr).toMatch(/1 row\(s\) rejected \(above\)/);
    const errors = tempPath('errors.csv');
    const withFile = await crm(['patient', 'import', file, '--errors', errors]);
    expect(withFile.code).toBe(6);
    expect(withFile.stderr).not.toMatch(/^row \d+:/m);
    expect(withFile.stderr).toContain(`see ${errors}`);
  });

  it('transaction import says the same of an unknown hospital code', async () => {
    const file = writeTempFile(
      'hospital,reference,occurred_at,amount,kind\nNOPE-1,R-1,2026-10-01 10:00,100,payment\n',
    );
    const r = await crm(['transaction', 'import', file]);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/^row 2: hospital "NOPE-1": unknown hospital code$/m);
  });
});
