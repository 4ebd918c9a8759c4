import { readFileSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { tempPath } from '../support/files.js';

let tdb: TestDatabase;
const NOW = { CRM_NOW: '2026-11-20T12:00:00+01:00' };

beforeAll(async () => {
  tdb = await createTestDatabase();
  const add = [
    'hospital',
    'add',
    '--code',
    'KAN-001',
    '--name',
    'Kano Central',
    '--state',
    'Kano',
    '--city',
    'Kano',
  ];
  expect((await runCli(add, tdb.env)).code).toBe(0);
  const patient = [
    'patient',
    'add',
    '--first-name',
    'Musa',
    '--last-name',
    'Bello',
    '--phone',
    '08031230001',
    '--hospital',
    'KAN-001',
  ];
  const r = await runCli(patient, { ...tdb.env, ...NOW });
  expect(r.code, r.stderr).toBe(0);
}, 120_000);
afterAll(() => tdb?.drop());

describe('crm analytics dashboard', () => {
  it('prints the figures as JSON with the previous period and the change', async () => {
    const r = await runCli(
      ['analytics', 'dashboard', '--period', '2026-11', '--hospital', 'KAN-001', '--json'],
      {
        ...tdb.env,
        ...NOW,
      },
    );
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
      'feedback',
      'loyalty',
      'campaigns',
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

  it('an unwritable --html is exit 3 naming it, before any work', async () => {
    const r = await runCli(['analytics', 'dashboard', '--html', '/nonexistent/report.html'], tdb.env);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      'crm: error: --html: cannot be written: there is no folder /nonexistent (got "/nonexistent/report.html")\n',
    );
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

describe('crm analytics hospitals', () => {
  it('writes the scorecards to a private CSV file and prints them as TSV when piped', async () => {
    const file = tempPath('scorecards.csv');
    const r = await runCli(['analytics', 'hospitals', '--period', '2026-11', '--csv', file], {
      ...tdb.env,
      ...NOW,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`wrote 1 scorecard(s) for 2026-11 to ${file}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const [header, row] = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(header).toBe(
      'hospital,name,revenue,owner_share,top_up,new_patients,active_patients,appointments,no_show_rate,sms_delivery_rate,whatsapp_delivery_rate,email_delivery_rate,average_rating,feedback_responses,nps,nps_responses,thin_sample,open_alerts,overdue_alerts',
    );
    expect(row).toBe('KAN-001,Kano Central,0.00,0.00,0.00,1,0,0,,,,,,0,,0,true,0,0');
    expect(r.stdout.split('\n')[0]).toBe(
      'hospital\trevenue_kobo\towner_share_kobo\ttop_up_kobo\tnew_patients\tactive_patients\tappointments\tno_show_rate\tsms_delivery_rate\twhatsapp_delivery_rate\temail_delivery_rate\taverage_rating\tnps\tnps_responses\topen_alerts\toverdue_alerts',
    );
    expect(r.stdout.split('\n')[1]).toBe('KAN-001\t0\t0\t0\t1\t0\t0\t\t\t\t\t\t\t0\t0\t0');
  });

  it('an unknown --sort is exit 3 naming it; an unwritable --csv is exit 3 before any work', async () => {
    const sort = await runCli(['analytics', 'hospitals', '--sort', 'height'], tdb.env);
    expect(sort.code).toBe(3);
    expect(sort.stderr).toMatch(/^crm: error: .*sort.*height/);
    const csv = await runCli(['analytics', 'hospitals', '--csv', '/nonexistent/x.csv'], tdb.env);
    expect(csv.code).toBe(3);
    expect(csv.stderr).toBe(
      'crm: error: --csv: cannot be written: there is no folder /nonexistent (got "/nonexistent/x.csv")\n',
    );
  });
});

describe('crm analytics journey and cohorts', () => {
  it("journey --json gives the patient's events; an unknown patient is exit 4", async () => {
    const r = await runCli(['analytics', 'journey', '08031230001', '--json'], { ...tdb.env, ...NOW });
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.patient.name).toBe('Musa Bello');
    expect(j.events).toEqual([
      {
        at: '2026-11-20T12:00:00+01:00',
        kind: 'registered',
        ref: 'KAN-001',
        status: null,
        detail: 'registered at Kano Central',
      },
    ]);
    const unknown = await runCli(['analytics', 'journey', '08039999999'], tdb.env);
    expect(unknown.code).toBe(4);
  });

  it('cohorts --json carries the campaign effect (none without a campaign)', async () => {
    const r = await runCli(['analytics', 'cohorts', '--json'], { ...tdb.env, ...NOW });
    expect(r.code, r.stderr).toBe(0);
    expect(Object.keys(JSON.parse(r.stdout))).toEqual(['from', 'to', 'cohorts', 'campaignEffect']);
    expect(JSON.parse(r.stdout).campaignEffect).toEqual([]);
  });
});
