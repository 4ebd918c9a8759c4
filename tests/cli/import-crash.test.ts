import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePatientsCsv } from '../../bench/generate-patients.js';
import { runCli, startCli } from '../support/cli.js';
import { createTestDatabase, onPostgres, sqlOnce, type TestDatabase } from '../support/db.js';
import { tempPath } from '../support/files.js';

// Needs a second connection to watch the first process's progress: PostgreSQL only.
describe.runIf(onPostgres)('patient import killed with SIGKILL mid-way (PostgreSQL)', () => {
  let crashed: TestDatabase;
  let clean: TestDatabase;
  const file = tempPath('crash.csv');
  const rows = 30_000;
  const env = { CRM_IMPORT_BATCH_SIZE: '2000' };

  beforeAll(async () => {
    await generatePatientsCsv({ path: file, rows, seed: 7 });
    [crashed, clean] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  });
  afterAll(async () => {
    await crashed?.drop();
    await clean?.drop();
  });

  const snapshot = (tdb: TestDatabase) =>
    sqlOnce<{ n: number; digest: string }>(
      tdb,
      `select count(*)::int as n, md5(string_agg(concat_ws('|', external_id, first_name, last_name, phone, email,
         date_of_birth, gender, preferred_language, consent_sms), ',' order by external_id)) as digest from patient`,
    );

  it('a re-run ends in the same state, with the same summary, as one clean run', {
    timeout: 180_000,
  }, async () => {
    const child = startCli(['patient', 'import', file, '--json'], { ...crashed.env, ...env });
    // Wait until some batches are committed, then kill without warning.
    for (let i = 0; i < 400; i++) {
      const [row] = await sqlOnce<{ done: number }>(
        crashed,
        'select coalesce(max(rows_committed), 0) as done from patient_import',
      );
      if (row.done >= 6_000) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const [partial] = await sqlOnce<{ done: number; finished: boolean }>(
      crashed,
      'select rows_committed as done, finished_at is not null as finished from patient_import',
    );
    expect(partial.finished).toBe(false);
    expect(partial.done).toBeGreaterThan(0);
    expect(partial.done).toBeLessThan(rows);

    const rerun = await runCli(['patient', 'import', file, '--json'], { ...crashed.env, ...env });
    const once = await runCli(['patient', 'import', file, '--json'], { ...clean.env, ...env });
    expect(rerun.code).toBe(6); // the generated file has ~2% invalid rows
    expect(rerun.stderr).toMatch(/resuming an interrupted import of this file after data row \d+/);
    expect(JSON.parse(rerun.stdout)).toEqual(JSON.parse(once.stdout));
    const [a] = await snapshot(crashed);
    const [b] = await snapshot(clean);
    expect(a).toEqual(b);
    expect(a.n).toBeGreaterThan(rows * 0.95);
  });

  it('two imports of the same file at once write each batch once', { timeout: 180_000 }, async () => {
    const target = await createTestDatabase();
    try {
      const [x, y] = await Promise.all([
        runCli(['patient', 'import', file, '--json'], { ...target.env, ...env }),
        runCli(['patient', 'import', file, '--json'], { ...target.env, ...env }),
      ]);
      expect([x.code, y.code]).toEqual([6, 6]);
      expect(await snapshot(target)).toEqual(await snapshot(clean));
      const [imports] = await sqlOnce<{ n: number }>(target, 'select count(*)::int as n from patient_import');
      expect(imports.n).toBe(1);
    } finally {
      await target.drop();
    }
  });
});

// The embedded database admits one process at a time, so nothing can watch the import from a
// second connection. Instead the import itself says when it is mid-way: with the test hook
// CRM_TEST_IMPORT_PAUSE_AFTER_BATCHES=3 it stops after its third committed batch, says so on
// stderr and waits; then it is killed with SIGKILL. Waiting for that line holds on a quiet and on
// a loaded machine alike. The earlier version waited for the progress bar on a pseudo-terminal;
// under the Python relay no bar line ever showed on a quiet machine (why was not found: the bar
// is drawn lazily, and the import may end first), so it was skipped. A progress bar is output
// for people, not an event to synchronise on.
describe.runIf(!onPostgres)('patient import killed with SIGKILL mid-way (embedded database)', () => {
  let crashed: TestDatabase;
  let clean: TestDatabase;
  const file = tempPath('crash-embedded.csv');
  const rows = 30_000;
  const env = { CRM_IMPORT_BATCH_SIZE: '2000' };

  beforeAll(async () => {
    await generatePatientsCsv({ path: file, rows, seed: 7 });
    [crashed, clean] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  });
  afterAll(async () => {
    await crashed?.drop();
    await clean?.drop();
  });

  const state = async (tdb: TestDatabase) => {
    const [snap] = await sqlOnce<{ n: number; digest: string }>(
      tdb,
      `select count(*)::int as n, md5(string_agg(concat_ws('|', external_id, first_name, last_name, phone, email,
           date_of_birth, gender, preferred_language, consent_sms), ',' order by external_id)) as digest from patient`,
    );
    return snap;
  };

  it('a re-run after kill -9 ends in the same state, with the same summary, as one clean run', {
    timeout: 240_000,
  }, async () => {
    const child = startCli(['patient', 'import', file], {
      ...crashed.env,
      ...env,
      CRM_TEST_IMPORT_PAUSE_AFTER_BATCHES: '3',
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', (d) => {
        stderr += d;
        if (stderr.includes('paused after 3 committed batch(es)')) resolve();
      });
      child.on('exit', () => reject(new Error(`crm exited before pausing: ${stderr}`)));
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const [partial] = await sqlOnce<{ finished: boolean }>(
      crashed,
      'select finished_at is not null as finished from patient_import',
    );
    expect(partial?.finished ?? false).toBe(false);

    const rerun = await runCli(['patient', 'import', file, '--json'], { ...crashed.env, ...env });
    const once = await runCli(['patient', 'import', file, '--json'], { ...clean.env, ...env });
    expect(rerun.code, rerun.stderr).toBe(6);
    expect(JSON.parse(rerun.stdout)).toEqual(JSON.parse(once.stdout));
    const a = await state(crashed);
    expect(a).toEqual(await state(clean));
    expect(a.n).toBeGreaterThan(rows * 0.95);
  });
});
