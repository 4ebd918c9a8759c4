import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stopService } from '../../src/core/db/embedded-service-client.js';
import { isAlive, readServiceInfo, SOCKET_NAME } from '../../src/core/db/embedded-service-files.js';
import { jsonOf, ROOT, runCli } from '../support/cli.js';
import { createTestDatabase, onPostgres, type TestDatabase } from '../support/db.js';

/**
 * The embedded database through its background service (CRM_EMBEDDED_SERVICE=1): started by the
 * first command, shared by concurrent commands a whole transaction at a time, restarted after a
 * crash, stopped by `crm db stop` or when idle.
 */
let tdb: TestDatabase;
let scratch: string;
const dirs: string[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase();
  scratch = mkdtempSync(join(tmpdir(), 'crm-svc-'));
});
afterEach(async () => {
  for (const dir of dirs.splice(0)) await stopService(dir);
});
afterAll(async () => {
  await tdb?.drop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** A copy of the suite's migrated embedded database, in a folder of this test's own. */
function copyOfDatabase(name: string): string {
  const dir = join(scratch, name);
  cpSync(tdb.env.CRM_DATA_DIR!, dir, { recursive: true });
  dirs.push(dir);
  return dir;
}

const svc = (dir: string, extra: Record<string, string> = {}) => ({
  CRM_DATA_DIR: dir,
  CRM_EMBEDDED_SERVICE: '1',
  ...extra,
});

/** A `pg` client on the service's socket, as `crm` itself connects. */
async function client(dir: string): Promise<pg.Client> {
  const info = readServiceInfo(dir)!;
  const c = new pg.Client({ host: info.socketDir, port: 5432, user: 'postgres', database: 'postgres' });
  await c.connect();
  return c;
}

async function exited(pid: number): Promise<void> {
  // The process is not ours (it is detached): its end is seen by polling.
  while (isAlive(pid)) await new Promise((r) => setTimeout(r, 25));
}

const hospitalArgs = (code: string) => [
  'hospital',
  'add',
  '--code',
  code,
  '--name',
  `H ${code}`,
  '--state',
  'Lagos',
  '--city',
  'Ikeja',
];

// Each test runs several commands, some starting a service: 60 s is tight on a loaded machine.
describe.runIf(!onPostgres)('embedded database service', { timeout: 180_000 }, () => {
  it('the first command starts it; status shows it; db stop stops it and leaves the folder clean', async () => {
    const dir = copyOfDatabase('lifecycle');
    const added = await runCli(hospitalArgs('LAG-101'), svc(dir));
    expect(added.code, added.stderr).toBe(0);
    const info = readServiceInfo(dir)!;
    expect(isAlive(info.pid)).toBe(true);
    expect(statSync(join(info.socketDir, SOCKET_NAME)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'crm.service')).mode & 0o777).toBe(0o600);

    const status = jsonOf(await runCli(['db', 'status', '--json'], svc(dir)));
    expect(status.service).toMatchObject({ running: true, pid: info.pid });
    expect(status.service.since).toMatch(/\+01:00$/);
    expect(status.service.rssBytes).toBeGreaterThan(0);
    // The same service answered both commands.
    expect(readServiceInfo(dir)!.pid).toBe(info.pid);

    const stopped = await runCli(['db', 'stop'], svc(dir));
    expect(stopped.stdout).toBe(`stopped the embedded database service of ${dir} (pid ${info.pid})\n`);
    expect(isAlive(info.pid)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(
      ['pgdata', 'pgdata.sizes'].filter((n) => existsSync(join(dir, n))),
    );
    expect(existsSync(join(dir, 'crm.lock'))).toBe(false);

    // The data is there for the in-process path too (same folder, same engine).
    // (CRM_EMBEDDED_SERVICE=0: the suite itself may run through the service.)
    const list = jsonOf(
      await runCli(['hospital', 'list', '--json'], { CRM_DATA_DIR: dir, CRM_EMBEDDED_SERVICE: '0' }),
    );
    expect(list.map((h: { code: string }) => h.code)).toContain('LAG-101');
    expect((await runCli(['db', 'stop'], svc(dir))).stdout).toBe(
      `no embedded database service is running for ${dir}\n`,
    );
  });

  it('concurrent commands share it: no exit 7, every write lands', async () => {
    const dir = copyOfDatabase('concurrent');
    const runs = await Promise.all([
      ...['LAG-201', 'LAG-202', 'LAG-203', 'LAG-204'].map((code) => runCli(hospitalArgs(code), svc(dir))),
      runCli(['patient', 'import', join(ROOT, 'examples', 'patients.csv'), '--json'], svc(dir)),
    ]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(runs[4]!.stdout)).toMatchObject({ inserted: 10, rejected: 0 });
    const list = jsonOf(await runCli(['hospital', 'list', '--json'], svc(dir)));
    expect(list.map((h: { code: string }) => h.code)).toEqual(
      expect.arrayContaining(['LAG-201', 'LAG-202', 'LAG-203', 'LAG-204']),
    );
  });

  it("a client's open transaction is never seen or joined by another client", async () => {
    const dir = copyOfDatabase('isolation');
    expect((await runCli(['db', 'status'], svc(dir))).code).toBe(0);
    const a = await client(dir);
    const b = await client(dir);
    try {
      await a.query('begin');
      await a.query(
        "insert into hospital (code, name, state, city) values ('LAG-301', 'X', 'Lagos', 'Ikeja')",
      );
      let bDone = false;
      const bCount = b.query("select count(*)::int as n from hospital where code = 'LAG-301'").then((r) => {
        bDone = true;
        return r.rows[0].n as number;
      });
      // A keeps the session: its next statement runs while B's waits.
      await a.query('select 1');
      expect(bDone).toBe(false);
      await a.query('rollback');
      expect(await bCount).toBe(0);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('a client that disconnects inside a transaction has it rolled back, and the next gets the session', async () => {
    const dir = copyOfDatabase('disconnect');
    expect((await runCli(['db', 'status'], svc(dir))).code).toBe(0);
    const a = await client(dir);
    a.on('error', () => {});
    await a.query('begin');
    await a.query("insert into hospital (code, name, state, city) values ('LAG-401', 'X', 'Lagos', 'Ikeja')");
    await a.query('create temp table leftover (x int)');
    const b = await client(dir);
    const bCount = b.query("select count(*)::int as n from hospital where code = 'LAG-401'");
    (a as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    try {
      expect((await bCount).rows[0].n).toBe(0);
      // Nothing of A's session is left for B (DISCARD ALL after A).
      const temp = await b.query("select count(*)::int as n from pg_class where relname = 'leftover'");
      expect(temp.rows[0].n).toBe(0);
    } finally {
      await b.end();
    }
  });

  it('a killed service is restarted by the next command, with what was committed', async () => {
    const dir = copyOfDatabase('killed');
    expect((await runCli(hospitalArgs('LAG-501'), svc(dir))).code).toBe(0);
    const first = readServiceInfo(dir)!;
    process.kill(first.pid, 'SIGKILL');
    await exited(first.pid);
    const list = jsonOf(await runCli(['hospital', 'list', '--json'], svc(dir)));
    expect(list.map((h: { code: string }) => h.code)).toContain('LAG-501');
    const second = readServiceInfo(dir)!;
    expect(second.pid).not.toBe(first.pid);
    expect(isAlive(second.pid)).toBe(true);
  });

  it('stops by itself when idle (CRM_SERVICE_IDLE_MINUTES)', async () => {
    const dir = copyOfDatabase('idle');
    expect((await runCli(['hospital', 'list'], svc(dir, { CRM_SERVICE_IDLE_MINUTES: '0.01' }))).code).toBe(0);
    const info = readServiceInfo(dir);
    if (info) await exited(info.pid);
    expect(existsSync(join(dir, 'crm.service'))).toBe(false);
    expect(existsSync(join(dir, 'crm.lock'))).toBe(false);
    expect(existsSync(join(info?.socketDir ?? dir, SOCKET_NAME))).toBe(false);
  });

  it('CRM_EMBEDDED_SHARED_BUFFERS from a .env reaches the service; a bad size is exit 3 naming it', async () => {
    const dir = copyOfDatabase('buffers');
    const cwd = join(scratch, 'buffers-cwd');
    mkdirSync(cwd);
    writeFileSync(join(cwd, '.env'), 'CRM_EMBEDDED_SHARED_BUFFERS=48MB\n');
    const listed = await runCli(['hospital', 'list'], svc(dir), { cwd });
    expect(listed.code, listed.stderr).toBe(0);
    const c = await client(dir);
    try {
      expect((await c.query('show shared_buffers')).rows[0].shared_buffers).toBe('48MB');
    } finally {
      await c.end();
    }
    const bad = await runCli(['hospital', 'list'], svc(dir, { CRM_EMBEDDED_SHARED_BUFFERS: '48 megs' }));
    expect(bad.code).toBe(3);
    expect(bad.stderr).toBe(
      'crm: error: CRM_EMBEDDED_SHARED_BUFFERS: expected a PostgreSQL size of at least 128kB, in kB, MB or GB, e.g. 64MB (got "48 megs")\n',
    );
  });

  it('a data folder whose path is too long for a socket gets a private socket folder', async () => {
    const deep = join(scratch, 'd'.repeat(60), 'e'.repeat(40));
    mkdirSync(deep, { recursive: true });
    const dir = join(deep, 'db');
    cpSync(tdb.env.CRM_DATA_DIR!, dir, { recursive: true });
    dirs.push(dir);
    expect((await runCli(['hospital', 'list'], svc(dir))).code).toBe(0);
    const info = readServiceInfo(dir)!;
    expect(info.socketDir).not.toBe(dir);
    expect(statSync(info.socketDir).mode & 0o777).toBe(0o700);
    await stopService(dir);
    expect(existsSync(info.socketDir)).toBe(false);
  });

  it('the folder checks are the same: missing and foreign folders are exit 7, left as they were', async () => {
    const missing = join(scratch, 'missing');
    const r1 = await runCli(['hospital', 'list'], svc(missing));
    expect(r1.code).toBe(7);
    expect(r1.stderr).toContain(`no database at ${missing}`);
    expect(existsSync(missing)).toBe(false);

    const foreign = join(scratch, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'x');
    const r2 = await runCli(['db', 'migrate'], svc(foreign));
    expect(r2.code).toBe(7);
    expect(r2.stderr).toContain(`${foreign} is not a crm embedded database`);
    expect(readdirSync(foreign)).toEqual(['notes.txt']);
  });

  it('a new database is created through the service, and imports COPY through it', async () => {
    const dir = join(scratch, 'fresh');
    dirs.push(dir);
    const r = await runCli(['patient', 'import', join(ROOT, 'examples', 'patients.csv'), '--json'], svc(dir));
    expect(JSON.parse(r.stdout)).toMatchObject({ inserted: 10 });
    expect(r.stderr).toContain(`created a new embedded database in ${dir}`);
    expect(readdirSync(dir).filter((n) => n.startsWith('crm.blob.'))).toEqual([]);
    const shown = await runCli(['patient', 'show', '08031234567', '--json'], svc(dir));
    expect(shown.code, shown.stderr).toBe(0);
  });
});
