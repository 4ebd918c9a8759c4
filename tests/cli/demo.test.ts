/**
 * `crm demo --patients 2000` end to end, on the embedded database (a copy of the migrated
 * template) or, with DATABASE_URL set, on a fresh PostgreSQL database: what it builds, the month
 * it runs (maker-checker payouts, reminders and a campaign in dry run: no provider credentials),
 * the dashboard it prints; a rerun changes nothing; the same seed on another database gives the
 * same figures. CRM_NOW fixes "now", which the demo's history is relative to.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

const NOW = { CRM_NOW: '2026-12-02T10:00:00+01:00', NO_COLOR: '1' };
const DEMO_TIMEOUT = 400_000;

let first: TestDatabase;
let firstRun: Awaited<ReturnType<typeof runCli>>;
// The folder the first run works in: the HTML report is written there.
const workDir = mkdtempSync(join(tmpdir(), 'crm-demo-cwd-'));

beforeAll(async () => {
  first = await createTestDatabase();
  firstRun = await runCli(['demo', '--patients', '2000'], { ...first.env, ...NOW }, { cwd: workDir });
}, DEMO_TIMEOUT);
afterAll(async () => {
  await first?.drop();
  rmSync(workDir, { recursive: true, force: true });
});

describe('crm demo', () => {
  it('builds the network, runs the month and prints the dashboard', () => {
    expect(firstRun.code, firstRun.stderr).toBe(0);
    const out = firstRun.stdout;
    expect(out).toMatch(/10 hospitals, 7 owners, 10 contracts, 35 doctors, 2,000 patients/);
    expect(out).toMatch(/Payouts 2026-06 to 2026-11: run by ada, approved by bola and chidi/);
    expect(out).toMatch(/2026-11: 10 of 10 approved \(1 needed both approvers\)/);
    expect(out).toMatch(/Reminders due now \(dry run: no provider credentials, nothing sent\): \d+ to send/);
    expect(out).toMatch(/Campaign december-check-up \(dry run\): [\d,]+ patients in its audience/);
    // The dashboard of the month paid (piped: its TSV table).
    expect(out).toContain('area\tfigure\tvalue\tprevious\tchange');
    expect(out).toMatch(/^Contracts\tin force\t10\t10\t0$/m);
    expect(firstRun.stderr).toMatch(/crm demo: \[[\d.]+ s\] 2,000 patients…/);
  });

  it('ends with the path of the HTML report of the month paid, written in the working folder', () => {
    const report = join(workDir, 'crm-demo-report.html');
    expect(firstRun.stdout.trimEnd().split('\n').at(-1)).toBe(`HTML report: ${report}`);
    expect(existsSync(report)).toBe(true);
    expect(statSync(report).mode & 0o077).toBe(0);
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('2026-11');
    expect(html).not.toContain('<script');
  });

  it('recorded each payout as run by ada and approved by bola, and by chidi above the threshold', async () => {
    const r = await runCli(['payout', 'list', '--period', '2026-11', '--json'], { ...first.env, ...NOW });
    expect(r.code, r.stderr).toBe(0);
    const payouts = JSON.parse(r.stdout);
    const list = Array.isArray(payouts) ? payouts : payouts.payouts;
    expect(list).toHaveLength(10);
    expect(list.every((p: { status: string }) => p.status === 'approved')).toBe(true);
    const kano = list.find((p: { hospital: string }) => p.hospital === 'KAN-001');
    const shown = await runCli(['payout', 'show', kano.reference ?? kano.id, '--json'], {
      ...first.env,
      ...NOW,
    });
    expect(shown.code, shown.stderr).toBe(0);
    const detail = JSON.parse(shown.stdout);
    expect(JSON.stringify(detail)).toMatch(/"calculatedBy":"ada"|"operator":"ada"/);
    const approvers = (detail.approvals as { operator: string; decision: string }[])
      .filter((a) => a.decision === 'approve')
      .map((a) => a.operator)
      .sort();
    expect(approvers).toEqual(['bola', 'chidi']);
  });

  it('run again, says the demo data already exist and changes nothing (exit 0)', async () => {
    const again = await runCli(['demo', '--patients', '2000'], { ...first.env, ...NOW }, { cwd: workDir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/The demo data already exist here \(10 hospitals, 2,000 patients\)/);
  });

  it(
    'the same seed on another database gives the same figures (--json)',
    async () => {
      const second = await createTestDatabase();
      try {
        const r = await runCli(
          ['demo', '--patients', '2000', '--json'],
          { ...second.env, ...NOW },
          { cwd: workDir },
        );
        expect(r.code, r.stderr).toBe(0);
        const built = JSON.parse(r.stdout);
        expect(built).toMatchObject({
          alreadyExisted: false,
          seed: 2026,
          messaging: 'dry-run',
          htmlReport: join(workDir, 'crm-demo-report.html'),
        });
        expect(built.counts).toMatchObject({
          hospitals: 10,
          owners: 7,
          contracts: 10,
          doctors: 35,
          patients: 2000,
        });
        expect(
          built.payouts.approvals.filter((a: { approvedBy: string[] }) => a.approvedBy.length === 2),
        ).toEqual([expect.objectContaining({ approvedBy: ['bola', 'chidi'], status: 'approved' })]);
        // The first database, read back: the same counts and the same dashboard.
        const existing = await runCli(['demo', '--json'], { ...first.env, ...NOW }, { cwd: workDir });
        expect(JSON.parse(existing.stdout)).toMatchObject({ alreadyExisted: true, counts: built.counts });
        const dashboard = await runCli(['analytics', 'dashboard', '--period', '2026-11', '--json'], {
          ...first.env,
          ...NOW,
        });
        expect(JSON.parse(dashboard.stdout)).toEqual(built.dashboard);
        expect(built.dashboard.patients.total.value).toBeGreaterThan(1900);
        expect(built.dashboard.contracts.active.value).toBe(10);
      } finally {
        await second.drop();
      }
    },
    DEMO_TIMEOUT,
  );

  it('refuses a database holding other data (exit 5) and --reset on PostgreSQL (exit 2)', async () => {
    const other = await createTestDatabase();
    try {
      const add = [
        'hospital',
        'add',
        '--code',
        'OTH-001',
        '--name',
        'Other',
        '--state',
        'Lagos',
        '--city',
        'Lagos',
      ];
      expect((await runCli(add, other.env)).code).toBe(0);
      const r = await runCli(['demo', '--patients', '50'], { ...other.env, ...NOW }, { cwd: workDir });
      expect(r.code).toBe(5);
      expect(r.stderr).toMatch(/already holds data that is not the demo/);
      if (other.env.DATABASE_URL) {
        const reset = await runCli(['demo', '--reset', '--yes'], { ...other.env, ...NOW }, { cwd: workDir });
        expect(reset.code).toBe(2);
        expect(reset.stderr).toMatch(/--reset works on the embedded database only/);
      }
    } finally {
      await other.drop();
    }
  }, 180_000);

  it(
    '--reset without a terminal or --yes is refused; with --yes it builds the demo again (embedded)',
    async () => {
      if (first.env.DATABASE_URL) return;
      const refused = await runCli(['demo', '--reset'], { ...first.env, ...NOW }, { cwd: workDir });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/needs confirmation/);
      const reset = await runCli(
        ['demo', '--reset', '--yes', '--patients', '100', '--json'],
        { ...first.env, ...NOW },
        { cwd: workDir },
      );
      expect(reset.code, reset.stderr).toBe(0);
      expect(reset.stderr).toMatch(/deleted the demo database in/);
      expect(JSON.parse(reset.stdout)).toMatchObject({ alreadyExisted: false, counts: { patients: 100 } });
    },
    DEMO_TIMEOUT,
  );
});
