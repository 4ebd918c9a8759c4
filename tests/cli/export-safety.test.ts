/**
 * `crm payout export` and the other commands that write files, against real folders: a bad --out
 * changes nothing, files are created 0600, and ₦0.00 payouts never reach the bank file.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvePayouts } from '../../src/core/payouts/approve-payouts.js';
import { runPayouts } from '../../src/core/payouts/run-payouts.js';
import { fixedClock } from '../../src/core/time.js';
import { jsonOf, runCli } from '../support/cli.js';
import { createTestDatabase, sqlOnce, type TestDatabase } from '../support/db.js';
import { importTransactionRows, makeContract, makeHospital } from '../support/factories.js';
import { tempPath, writeTempFile } from '../support/files.js';
import { services } from '../support/services.js';

const NOW = '2026-12-01T09:00:00+01:00';
const ada = { operator: 'ada', command: 'test' };
const bola = { operator: 'bola', command: 'test' };
let tdb: TestDatabase;
// The real clock (no CRM_NOW, whose warning would be a second line on stderr): NOW is in the past.
const crm = (args: string[], options: { cwd?: string } = {}) => runCli(args, tdb.env, options);

/** Payout references by contract role, per period. */
const refs: Record<string, { paid: string; zero: string }> = {};

/** Status of each of a period's payouts, by reference. */
async function statuses(period: string): Promise<Record<string, string>> {
  const rows = await sqlOnce<{ reference: string; status: string }>(
    tdb,
    'select reference, status from payout where period = $1',
    [period],
  );
  return Object.fromEntries(rows.map((r) => [r.reference, r.status]));
}

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  const db = await tdb.open();
  try {
    const clock = fixedClock(DateTime.fromISO(NOW));
    const as = (actor: typeof ada) => services(db, { clock, actor });
    const hospital = await makeHospital(as(ada));
    // One contract with revenue, one without revenue or guarantee: a ₦0.00 payout.
    const paying = await makeContract(as(ada), { hospital: hospital.code, guarantee: '1000' });
    const idle = await makeContract(as(ada), { guarantee: '0' });
    await importTransactionRows(as(ada), [
      { hospital: hospital.code, at: '2026-09-10 10:00', amount: '5000' },
      { hospital: hospital.code, at: '2026-10-10 10:00', amount: '5000' },
    ]);
    for (const period of ['2026-09', '2026-10']) {
      await runPayouts(as(ada), { period });
      const reference = (contract: string) => `${contract}-${period}`;
      refs[period] = { paid: reference(paying.number), zero: reference(idle.number) };
      await approvePayouts(as(bola), [refs[period].paid, refs[period].zero]);
    }
  } finally {
    await db.close();
  }
});
afterAll(async () => {
  await tdb?.drop();
});

describe('payout export checks --out before anything changes', () => {
  const refused = async (out: string) => {
    const r = await crm(['payout', 'export', '--period', '2026-09', '--out', out, '--yes']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^crm: error: --out: cannot be written: /);
    expect(Object.values(await statuses('2026-09'))).toEqual(['approved', 'approved']);
    return r;
  };

  it('refuses a folder (EISDIR): the payouts stay approved and no temp file is left', async () => {
    const folder = tempPath('bank-folder');
    mkdirSync(folder);
    expect((await refused(folder)).stderr).toMatch(/it is a folder/);
    expect(readdirSync(folder)).toEqual([]);
    expect(readdirSync(dirname(folder)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a file in a folder that does not exist', async () => {
    const out = join(tempPath('missing'), 'payouts.csv');
    expect((await refused(out)).stderr).toMatch(/there is no folder /);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a folder it may not write to', async () => {
    const folder = tempPath('read-only');
    mkdirSync(folder);
    chmodSync(folder, 0o500);
    expect((await refused(join(folder, 'payouts.csv'))).stderr).toMatch(/permission denied/);
  });
});

describe('payout export writes the bank file', () => {
  it('creates it 0600, leaves the ₦0.00 payout out, settles it and lists it', async () => {
    const out = tempPath('payouts-2026-10.csv');
    // An older file at the destination, readable by all: replaced whole, by a private one.
    writeFileSync(out, 'old', { mode: 0o644 });
    chmodSync(out, 0o644);
    const { paid, zero } = refs['2026-10'];
    const r = await crm(['payout', 'export', '--period', '2026-10', '--out', out, '--yes', '--json']);
    expect(jsonOf(r)).toMatchObject({ exported: 1, zeroAmount: [zero], file: out });
    expect(mode(out)).toBe(0o600);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(paid);
    expect(readFileSync(out, 'utf8')).not.toContain(zero);
    expect(readdirSync(dirname(out)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(await statuses('2026-10')).toEqual({ [paid]: 'exported', [zero]: 'paid' });
  });

  it('lists ₦0.00 payouts in its human output too', async () => {
    const db = await tdb.open();
    try {
      const clock = fixedClock(DateTime.fromISO(NOW));
      const idle = await makeContract(services(db, { clock, actor: ada }), {
        guarantee: '0',
        start: '2026-08-01',
      });
      await runPayouts(services(db, { clock, actor: ada }), { period: '2026-08' });
      await approvePayouts(services(db, { clock, actor: bola }), [`${idle.number}-2026-08`]);
    } finally {
      await db.close();
    }
    const out = tempPath('payouts-2026-08.csv');
    const r = await crm(['payout', 'export', '--period', '2026-08', '--out', out, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/left out of the bank file, ₦0\.00 .*: CT-\d{4}-\d{4}-2026-08/);
  });
});

describe('files other commands write', () => {
  it('an import errors file is 0600, even where an older file was readable by all', async () => {
    const errors = tempPath('rejected.csv');
    writeFileSync(errors, 'old');
    chmodSync(errors, 0o644);
    const file = writeTempFile(
      'hospital,reference,occurred_at,amount,kind\nNOPE,R-1,2026-10-01,10,payment\n',
    );
    const r = await crm(['transaction', 'import', file, '--errors', errors]);
    expect(r.code, r.stderr).toBe(6);
    expect(mode(errors)).toBe(0o600);
  });

  it('reconcile checks --errors before reading the file, and writes it 0600', async () => {
    const bank = writeTempFile('reference,status,amount,paid_at\nNOPE-1,paid,1.00,2026-11-20\n');
    const missing = await crm(['payout', 'reconcile', bank, '--errors', '/nonexistent/x.csv', '--yes']);
    expect([missing.code, missing.stderr]).toEqual([
      3,
      'crm: error: --errors: cannot be written: there is no folder /nonexistent (got "/nonexistent/x.csv")\n',
    ]);
    const errors = tempPath('unapplied.csv');
    const r = await crm(['payout', 'reconcile', bank, '--errors', errors, '--yes']);
    expect(r.code, r.stderr).toBe(6);
    expect(mode(errors)).toBe(0o600);
  });

  it('a .env that is a folder is one line and exit 3, not a crash', async () => {
    const cwd = tempPath('workdir');
    mkdirSync(join(cwd, '.env'), { recursive: true });
    const r = await crm(['hospital', 'list'], { cwd });
    expect([r.code, r.stderr]).toEqual([
      3,
      `crm: error: .env: is a folder, not a file of settings: remove it or make it a file (got ${JSON.stringify(join(cwd, '.env'))})\n`,
    ]);
  });
});
