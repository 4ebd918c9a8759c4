import { spawn } from 'node:child_process';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePatientsCsv } from '../../bench/generate-patients.js';
import { runPayouts } from '../../src/core/payouts/run-payouts.js';
import { fixedClock, LAGOS } from '../../src/core/time.js';
import { CRM_BIN, jsonOf, ROOT, runCli, startCli } from '../support/cli.js';
import { createTestDatabase, sqlOnce, type TestDatabase } from '../support/db.js';
import {
  importTransactionRows,
  makeContract,
  makeDoctor,
  makeHospital,
  makeOwner,
  makePatient,
} from '../support/factories.js';
import { tempPath } from '../support/files.js';
import { PTY_TESTS_LABEL, SKIP_PTY_TESTS, startCliOnPty } from '../support/pty.js';
import { services } from '../support/services.js';

/**
 * Output for scripts and for people (issue 17 items 2 and 3): a reader that closes the pipe
 * early ends crm quietly with exit 0, and never in the middle of its database write; piped tables
 * are pure TSV; tables on a terminal fit its width unless --wide.
 */

let tdb: TestDatabase;
const NOW = '2026-12-05T09:00:00+01:00';
const env = () => ({ ...tdb.env, CRM_NOW: NOW });
const crm = (args: string[]) => runCli(args, env());

beforeAll(async () => {
  tdb = await createTestDatabase();
  const db = await tdb.open();
  try {
    const ctx = services(db, { clock: fixedClock(DateTime.fromISO(NOW, { zone: LAGOS })) });
    await makeHospital(ctx, { code: 'LAG-001', name: 'Lagos Island Specialist Hospital and Maternity' });
    const owner = await makeOwner(ctx, { name: 'Chief Babatunde Adekunle-Williams Holdings Nigeria Ltd' });
    await makeContract(ctx, { owner: owner.id, hospital: 'LAG-001' });
    await importTransactionRows(ctx, [
      { hospital: 'LAG-001', at: '2026-11-10 10:00', amount: '1234567.50' },
      { hospital: 'LAG-001', at: '2026-11-11 10:00', amount: '250000.00' },
    ]);
    await runPayouts(ctx, { period: '2026-11' });
    await makeDoctor(ctx, { hospital: 'LAG-001', code: 'DR-1' });
    await makePatient(ctx, { hospital: 'LAG-001', phone: '08031234567' });
  } finally {
    await db.close();
  }
  const file = tempPath('patients.csv');
  await generatePatientsCsv({ path: file, rows: 3000, seed: 3 });
  const imported = await crm(['patient', 'import', file, '--hospital', 'LAG-001', '--json']);
  expect([0, 6], imported.stderr).toContain(imported.code);
});
afterAll(async () => {
  await tdb?.drop();
});

/** Runs a bash pipeline; crm is `$CRM`. Resolves with its stdout, stderr and exit code. */
function pipeline(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...env(),
        DATABASE_URL: tdb.env.DATABASE_URL,
        NO_COLOR: '1',
        CRM: `"${process.execPath}" "${CRM_BIN}"`,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// Each test starts crm once or twice; on a loaded 2-core machine one start can take 20-40 s.
describe('pipes', { timeout: 240_000 }, () => {
  it('crm patient list | head -1: the header line, crm exits 0 (the shell pipe status), nothing on stderr', async () => {
    const r = await pipeline('eval "$CRM patient list" | head -1; echo "status $((PIPESTATUS[0]))"');
    // nothing but the rehearsal clock's notice: no EPIPE, no stack trace
    expect(r.stderr.replace(/^warning: CRM_NOW is set.*\n/m, '')).toBe('');
    const lines = r.stdout.trim().split('\n');
    expect(lines[0].split('\t')[0]).toBe('name');
    expect(lines.at(-1)).toBe('status 0');
  });

  it('a booking whose reader has gone: the appointment is made once and crm exits 0', async () => {
    const child = startCli(
      [
        'appointment',
        'schedule',
        '--patient',
        '08031234567',
        '--doctor',
        'DR-1',
        '--type',
        'consultation',
        '--at',
        '2026-12-08 10:00',
      ],
      env(),
    );
    child.stdout!.destroy();
    let stderr = '';
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code, stderr).toBe(0);
    const [row] = await sqlOnce<{ n: number }>(
      tdb,
      "select count(*)::int as n from appointment where starts_at = '2026-12-08T10:00:00+01:00'",
    );
    expect(row.n).toBe(1);
  });

  it('piped payout list is pure TSV: a header and rows of equal width, plain numbers, the totals on stderr', async () => {
    const r = await crm(['payout', 'list', '--period', '2026-11']);
    expect(r.code, r.stderr).toBe(0);
    const [header, ...rows] = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(rows).toHaveLength(1);
    for (const row of rows) expect(row).toHaveLength(header.length);
    const row = Object.fromEntries(header.map((h, i) => [h, rows[0][i]]));
    expect(r.stdout).not.toMatch(/₦|payout\(s\)/);
    for (const money of [
      'gross revenue',
      'owner share',
      'platform',
      'guarantee',
      'top-up',
      'payout',
      'tax',
      'net',
    ])
      expect(row[money], money).toMatch(/^-?\d+\.\d{2}$/);
    expect(row['gross revenue']).toBe('1484567.50');
    expect(row['share %']).toBe('70');
    expect(row['active days']).toBe('30');
    expect(row.due).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(r.stderr).toMatch(/1 payout\(s\): gross ₦1,484,567\.50/);
    // --json is unchanged: one document, amounts in kobo.
    const doc = jsonOf(await crm(['payout', 'list', '--period', '2026-11', '--json']));
    expect(doc.payouts[0].grossRevenueKobo).toBe(148_456_750);
  });
});

describe.skipIf(SKIP_PTY_TESTS)(
  `tables on an 80-column terminal (${PTY_TESTS_LABEL})`,
  { timeout: 240_000 },
  () => {
    const onTerminal = async (args: string[]) => {
      const session = startCliOnPty(args, env(), { columns: 80 });
      const code = await session.exited;
      return { code, lines: session.text().replace(/\r/g, '').split('\n') };
    };

    it('payout list fits 80 columns, keeps reference, owner, net and status, and says what it left out', async () => {
      const { code, lines } = await onTerminal(['payout', 'list', '--period', '2026-11']);
      expect(code).toBe(0);
      const table = lines.filter((l) => /[│|┌└├─]/.test(l));
      expect(table.length).toBeGreaterThan(2);
      for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(80);
      const text = lines.join('\n');
      expect(text).toMatch(/reference/);
      expect(text).toMatch(/net/);
      expect(text).toMatch(/approved|calculated/);
      expect(text).toMatch(/Chief B/); // the owner column cut to fit, not dropped
      expect(text).toMatch(/column\(s\) left out to fit 80 columns \(--wide shows all\)/);
    });

    it('--wide shows every column, wider than the terminal', async () => {
      const { code, lines } = await onTerminal(['payout', 'list', '--period', '2026-11', '--wide']);
      expect(code).toBe(0);
      expect(Math.max(...lines.map((l) => [...l].length))).toBeGreaterThan(80);
      expect(lines.join('\n')).toMatch(/platform/);
    });

    it('patient list fits 80 columns: no UUID column, long names cut with …', async () => {
      const { code, lines } = await onTerminal(['patient', 'list', '--limit', '20']);
      expect(code).toBe(0);
      for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(80);
      expect(lines.join('\n')).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    });
  },
);
