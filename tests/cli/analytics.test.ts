import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';

let tdb: TestDatabase;
const NOW = { CRM_NOW: '2026-11-20T12:00:00+01:00' };

beforeAll(async () => {
  tdb = await createTestDatabase();
  const add = ['hospital', 'add', '--code', 'KAN-001', '--name', 'Kano Central', '--state', 'Kano', '--city', 'Kano'];
  expect((await runCli(add, tdb.env)).code).toBe(0);
  const patient = ['patient', 'add', '--first-name', 'Musa', '--last-name', 'Bello', '--phone', '08031230001', '--hospital', 'KAN-001'];
  const r = await runCli(patient, { ...tdb.env, ...NOW });
  expect(r.code, r.stderr).toBe(0);
}, 120_000);
afterAll(() => tdb?.drop());

describe('crm analytics dashboard', () => {
  it('prints the figures as JSON with the previous period and the change', async () => {
    const r = await runCli(['analytics', 'dashboard', '--period', '2026-11', '--hospital', 'KAN-001', '--json'], {
      ...tdb.env,
      ...NOW,
    });
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(Object.keys(d)).toEqual([
      'period',
      'previousPeriod',
      'hospital',
      'patients',
      'appointments',
      'contracts',
      'payouts',
      'reminders',
      'ownerSatisfaction',
    ]);
    expect(d).toMatchObject({ period: '2026-11', previousPeriod: '2026-10', hospital: 'KAN-001' });
    expect(d.patients.new).toEqual({ value: 1, previous: 0, change: 1 });
  });

  it('piped, is one TSV table of plain numbers', async () => {
    const r = await runCli(['analytics', 'dashboard', '--period', '2026-11'], { ...tdb.env, ...NOW });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('area\tfigure\tvalue\tprevious\tchange');
    expect(lines).toContain('Patients\tnew\t1\t0\t1');
    expect(lines.every((l) => l.split('\t').length === 5)).toBe(true);
  });

  it('a malformed period is exit 3 naming it, an unknown hospital exit 4 naming it', async () => {
    const bad = await runCli(['analytics', 'dashboard', '--period', '2026-13'], tdb.env);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/^crm: error: .*period.*2026-13/);
    const unknown = await runCli(['analytics', 'dashboard', '--hospital', 'NOPE-9'], tdb.env);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toMatch(/^crm: error: .*NOPE-9[^\n]*\n$/);
  });
});
