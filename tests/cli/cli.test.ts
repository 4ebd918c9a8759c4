import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, startCli } from '../support/cli.js';
import { createTestDatabase, onPostgres, type TestDatabase, throughService } from '../support/db.js';
import { writeTempFile } from '../support/files.js';
import { once } from '../support/steps.js';

let tdb: TestDatabase;
const crm = (args: string[], env: Record<string, string> = {}) => runCli(args, { ...tdb.env, ...env });

beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb?.drop();
});

describe('crm --help', () => {
  it('lists the groups with an example, and loads neither MikroORM nor the messaging SDKs', async () => {
    const r = await runCli(['--help'], {
      NODE_OPTIONS: `--require ${join(ROOT, 'tests/support/trace-loads.cjs')}`,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/patient\s+patients: import CSV files/);
    expect(r.stdout).toMatch(/hospital\s+partner hospitals/);
    expect(r.stdout).toContain('$ crm patient import patients.csv');
    const loaded = JSON.parse(/loaded-modules:(.*)/.exec(r.stderr)![1]) as string[];
    expect(loaded.filter((m) => /mikro-orm|twilio|sendgrid|pglite|knex|^pg$/.test(m))).toEqual([]);
  });

  it('group help lists verbs with examples', async () => {
    const r = await runCli(['patient', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/import \[options\] <file>/);
    expect(r.stdout).toContain('$ crm patient show 08031234567 --json');
  });

  it('a reader that closes the pipe early ends crm quietly: exit 0, nothing on stderr', async () => {
    // The read end is closed before crm writes, so its first write to stdout fails with EPIPE.
    const child = startCli(['--help']);
    child.stdout!.destroy();
    let stderr = '';
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('unknown commands and missing arguments are usage errors (exit 2)', async () => {
    expect((await runCli(['nope'])).code).toBe(2);
    const r = await runCli(['patient', 'show']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing required argument 'patient'/);
  });
});

// Each test starts the binary at most 4 times, even alone (an embedded-database start takes 2–4 s
// on an idle machine and several times that on a busy one: 13 starts in one test outran its 60 s).
// Any test can run alone: the hospital and the patient that several tests need are added by
// whichever of them comes first.
const addLagos = once(() =>
  crm([
    'hospital',
    'add',
    '--code',
    'lag-001',
    '--name',
    'Lagos Island Specialist',
    '--state',
    'Lagos',
    '--city',
    'Lagos',
    '--json',
  ]),
);
const addAda = once(async () => {
  await addLagos();
  return crm([
    'patient',
    'add',
    '--first-name',
    'Ada',
    '--last-name',
    'Obi',
    '--phone',
    '0803 123 4567',
    '--hospital',
    'LAG-001',
    '--consent',
    'sms',
    '--json',
  ]);
});

// At most 4 starts per test; 120 s leaves 30 s per start for an overloaded machine (at a load of
// 24 on 2 cores, embedded-database starts took up to 20 s).
describe('hospitals and patients from the command line', { timeout: 120_000 }, () => {
  it('hospital add answers the hospital as JSON', async () => {
    const add = await addLagos();
    expect(add.code).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({
      code: 'LAG-001',
      name: 'Lagos Island Specialist',
      managerEmail: null,
    });
  });

  it('hospital add of an existing code is exit 5 with a one-line error', async () => {
    await addLagos();
    const dup = await crm([
      'hospital',
      'add',
      '--code',
      'LAG-001',
      '--name',
      'x',
      '--state',
      'lagos state',
      '--city',
      'x',
    ]);
    expect([dup.code, dup.stderr.trim()]).toEqual([
      5,
      'crm: error: hospital LAG-001 already exists (Lagos Island Specialist)',
    ]);
  });

  it('hospital add validates the code (exit 3)', async () => {
    const bad = await crm([
      'hospital',
      'add',
      '--code',
      'L A G',
      '--name',
      'x',
      '--state',
      'x',
      '--city',
      'x',
    ]);
    expect([bad.code, bad.stderr.trim()]).toEqual([
      3,
      'crm: error: code: use letters, digits and dashes, e.g. LAG-001 (got "L A G")',
    ]);
  });

  it('hospital add validates the state (exit 3) and reads Abuja as FCT', async () => {
    const state = (text: string) =>
      crm([
        'hospital',
        'add',
        '--code',
        'ABJ-009',
        '--name',
        'x',
        '--state',
        text,
        '--city',
        'Abuja',
        '--json',
      ]);
    const narnia = await state('Narnia');
    expect([narnia.code, narnia.stderr.trim()]).toEqual([
      3,
      'crm: error: state: not a Nigerian state (e.g. Lagos, Kano, FCT, Akwa Ibom) (got "Narnia")',
    ]);
    const abuja = await state('Abuja');
    expect([abuja.code, JSON.parse(abuja.stdout).state]).toEqual([0, 'FCT']);
  });

  it('hospital add names every missing flag in one message (exit 2)', async () => {
    const missing = await crm(['hospital', 'add', '--code', 'ABJ-001']);
    expect([missing.code, missing.stderr.trim()]).toEqual([2, 'crm: error: missing --name, --state, --city']);
  });

  it('hospital list prints a tab-separated table', async () => {
    await addLagos();
    const list = await crm(['hospital', 'list']);
    expect(list.stdout.split('\n')[0]).toBe('code\tname\tcity\tstate\tpatients');
  });

  it('patient add, then patient show by any spelling of the phone, with the --json shape', async () => {
    const patient = await addAda();
    expect(patient.code).toBe(0);
    const shown = await crm(['patient', 'show', '+234 803 123 4567', '--json']);
    const view = JSON.parse(shown.stdout);
    expect(Object.keys(view)).toEqual(
      expect.arrayContaining([
        'id',
        'firstName',
        'lastName',
        'phone',
        'email',
        'dateOfBirth',
        'gender',
        'hospital',
        'externalId',
        'preferredChannel',
        'consent',
        'optedOut',
      ]),
    );
    expect(view).toMatchObject({
      phone: '+2348031234567',
      hospital: 'LAG-001',
      consent: { sms: true, whatsapp: false, email: false },
    });
  });

  it('a rejected patient add (exit 3) changes nothing: still exactly one patient', async () => {
    await addAda();
    const badPhone = await crm([
      'patient',
      'add',
      '--first-name',
      'B',
      '--last-name',
      'C',
      '--phone',
      '0803123',
    ]);
    expect([badPhone.code, badPhone.stderr.trim()]).toEqual([
      3,
      'crm: error: phone: too short (got "0803123")',
    ]);

    // No change on errors: still exactly one patient (the patient import below adds more).
    const all = await crm(['patient', 'list', '--json']);
    expect(JSON.parse(all.stdout)).toHaveLength(1);
  });

  it('patient show of an unknown phone is exit 4, the number masked', async () => {
    const unknown = await crm(['patient', 'show', '08099999999']);
    expect([unknown.code, unknown.stderr.trim()]).toEqual([
      4,
      'crm: error: patient not found: +234809***9999',
    ]);
  });

  it('patient opt-out answers the opted-out channels', async () => {
    await addAda();
    const optOut = await crm(['patient', 'opt-out', '08031234567', '--channel', 'sms', '--json']);
    expect(JSON.parse(optOut.stdout).optedOut).toEqual({ sms: true, whatsapp: false, email: false });
  });

  it('patient import: summary JSON with exactly the documented keys, exit 6 on rejected rows', async () => {
    const file = writeTempFile('First Name,Surname,Mobile\nChi,Eze,08051234567\nBad,Row,12\n');
    const errors = `${file}.errors.csv`;
    const r = await crm(['patient', 'import', file, '--errors', errors, '--json']);
    expect(r.code).toBe(6);
    expect(JSON.parse(r.stdout)).toEqual({
      inserted: 1,
      updated: 0,
      unchanged: 0,
      rejected: 1,
      errorsFile: errors,
    });
    expect(r.stderr.trim()).toBe(`crm: error: 1 row(s) rejected; see ${errors}`);
    const clean = await crm([
      'patient',
      'import',
      writeTempFile('First Name,Surname,Mobile\nChi,Eze,08051234567\n'),
      '--json',
    ]);
    expect([clean.code, JSON.parse(clean.stdout)]).toEqual([
      0,
      { inserted: 0, updated: 0, unchanged: 1, rejected: 0, errorsFile: null },
    ]);
  });

  it('patient import of a directory or a workbook: one line, exit 3, no stack trace', async () => {
    const folder = await crm(['patient', 'import', ROOT]);
    expect([folder.code, folder.stderr]).toEqual([
      3,
      `crm: error: file: is a directory, not a CSV file (got ${JSON.stringify(ROOT)})\n`,
    ]);
    const workbook = writeTempFile(Buffer.from('504b030414000600', 'hex'), 'patients.xlsx');
    const xlsx = await crm(['patient', 'import', workbook]);
    expect([xlsx.code, xlsx.stderr]).toEqual([
      3,
      `crm: error: file: is a spreadsheet workbook (.xlsx/.xls), not CSV: save it as "CSV UTF-8" and import that (got ${JSON.stringify(workbook)})\n`,
    ]);
  });

  it('CRM_NOW is announced on stderr and keeps stdout clean', async () => {
    const r = await crm(['hospital', 'list', '--json'], { CRM_NOW: '2026-12-01T10:00:00+01:00' });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^warning: CRM_NOW is set: running as if it were 2026-12-01T10:00:00\.000\+01:00/,
    );
    expect(() => JSON.parse(r.stdout)).not.toThrow();
  });
});

describe.runIf(!onPostgres)('embedded database', () => {
  // Through the service a second command is served, not refused: embedded-service.test.ts
  // ("concurrent commands share it") is that case's test.
  it.skipIf(throughService)(
    'a second process on the same data folder waits, then exits 7 naming the holder',
    async () => {
      const file = writeTempFile(
        `first,last,phone\n${Array.from({ length: 200_000 }, (_, i) => `A${i},B,0803${String(1000000 + i)}`).join('\n')}\n`,
      );
      const first = startCli(['patient', 'import', file], { ...tdb.env });
      // Wait until the import holds the database (its pid in the lock file), not a fixed time.
      const lockFile = join(tdb.env.CRM_DATA_DIR, 'crm.lock');
      for (let i = 0; i < 200; i++) {
        if (existsSync(lockFile) && readFileSync(lockFile, 'utf8').includes(String(first.pid))) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const second = await crm(['hospital', 'list'], { CRM_LOCK_WAIT_MS: '200' });
      first.kill('SIGKILL');
      expect(second.code).toBe(7);
      expect(second.stderr).toMatch(new RegExp(`in use by process ${first.pid} \\(crm patient import`));
      // the holder's start in Lagos time, as every time crm prints
      expect(second.stderr).toMatch(/, since \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?\+01:00\)/);
    },
  );
});

describe.runIf(onPostgres)('PostgreSQL', () => {
  it('an unmigrated database is refused with exit 7 and the command that fixes it', async () => {
    const url = new URL(process.env.DATABASE_URL!);
    const pg = (await import('pg')).default;
    const admin = new pg.Client({ connectionString: url.toString() });
    await admin.connect();
    const name = `crm_unmigrated_${process.pid}`;
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`create database ${name}`);
    url.pathname = `/${name}`;
    try {
      const r = await runCli(['hospital', 'list'], { DATABASE_URL: url.toString() });
      expect(r.code).toBe(7);
      expect(r.stderr.trim()).toMatch(
        /^crm: error: the database is not migrated \(\d+ pending migrations?\): run `crm db migrate`$/,
      );
      const migrate = await runCli(['db', 'migrate'], { DATABASE_URL: url.toString() });
      expect(migrate.code).toBe(0);
      expect((await runCli(['hospital', 'list'], { DATABASE_URL: url.toString() })).code).toBe(0);
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });

  it('an unreachable server is exit 7 with the password masked', async () => {
    const r = await runCli(['hospital', 'list'], { DATABASE_URL: 'postgres://ada:secret@127.0.0.1:1/crm' });
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(
      /^crm: error: cannot connect to PostgreSQL at postgres:\/\/ada:\*\*\*@127\.0\.0\.1:1\/crm/,
    );
    expect(r.stderr).not.toContain('secret');
  });
});
