import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../support/cli.js';
import { createTestDatabase, onPostgres, type TestDatabase, throughService } from '../support/db.js';
import { writeTempFile } from '../support/files.js';

let tdb: TestDatabase;
let scratch: string;

beforeAll(async () => {
  tdb = await createTestDatabase();
  scratch = mkdtempSync(join(tmpdir(), 'crm-safety-'));
});
afterAll(async () => {
  await tdb?.drop();
  if (!scratch) return;
  // Commands through the embedded service left services running in some of these folders: each
  // is stopped before its folder is removed (a service still closing would write into it).
  const { stopService } = await import('../../src/core/db/embedded-service-client.js');
  const services = readdirSync(scratch, { recursive: true, encoding: 'utf8' }).filter(
    (name) => basename(name) === 'crm.service',
  );
  for (const name of services) await stopService(join(scratch, dirname(name)));
  rmSync(scratch, { recursive: true, force: true });
});

/** Every path under `dir` with its mode, size and modification time: "nothing changed" is this, unchanged. */
function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((name) => {
      const s = statSync(join(dir, name));
      return `${name} ${(s.mode & 0o777).toString(8)} ${s.size} ${s.mtimeMs}`;
    });
}

/** Paths under `dir` (the folder itself included) whose mode lets group or others in. */
function openToOthers(dir: string): string[] {
  const all = ['', ...readdirSync(dir, { recursive: true, encoding: 'utf8' })];
  return all.filter((name) => (statSync(join(dir, name)).mode & 0o077) !== 0);
}

/** A copy of the suite's migrated embedded database in a folder of this test's own. */
function copyOfDatabase(name: string): string {
  const dir = join(scratch, name);
  cpSync(tdb.env.CRM_DATA_DIR!, dir, { recursive: true });
  return dir;
}

describe.runIf(!onPostgres)('embedded data folder', () => {
  it('a database folder without pgdata/PG_VERSION is refused (exit 7) and left as it was', async () => {
    const dir = copyOfDatabase('no-pg-version');
    unlinkSync(join(dir, 'pgdata', 'PG_VERSION'));
    const before = snapshot(dir);
    for (const args of [
      ['hospital', 'list'],
      ['hospital', 'add', '--code', 'LAG-009', '--name', 'X', '--state', 'Lagos', '--city', 'Lagos'],
    ]) {
      const r = await runCli(args, { CRM_DATA_DIR: dir });
      expect(r.code, r.stderr).toBe(7);
      expect(r.stderr).toBe(
        `crm: error: ${dir} is not a crm embedded database: pgdata/PG_VERSION is missing, so the database in it is damaged: restore the folder from a backup\n`,
      );
    }
    expect(snapshot(dir)).toEqual(before);
  });

  it('a folder holding other files is never made a database, even by a writing command', async () => {
    const dir = join(scratch, 'home-like');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'not a database');
    const r = await runCli(['db', 'migrate'], { CRM_DATA_DIR: dir });
    expect(r.code).toBe(7);
    expect(r.stderr).toContain(
      `crm: error: ${dir} is not a crm embedded database: it holds other files (notes.txt)`,
    );
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('a mistyped CRM_DATA_DIR is exit 7 "no database at" for reading and period commands, and creates nothing', async () => {
    const typo = join(scratch, 'crm-dta', 'crm');
    for (const args of [
      ['hospital', 'list'],
      ['payout', 'run', '--period', '2026-10', '--json'],
      ['transaction', 'import', writeTempFile('hospital,reference,occurred_at,amount,kind\n')],
    ]) {
      const r = await runCli(args, { CRM_DATA_DIR: typo });
      expect(r.code, r.stderr).toBe(7);
      expect(r.stderr).toMatch(new RegExp(`^crm: error: no database at ${typo}: check CRM_DATA_DIR`));
      expect(r.stdout).toBe('');
    }
    expect(existsSync(join(scratch, 'crm-dta'))).toBe(false);
    // An existing empty folder is no database either, and stays empty.
    const empty = join(scratch, 'empty');
    mkdirSync(empty);
    const send = await runCli(['reminder', 'send'], { CRM_DATA_DIR: empty });
    expect(send.code, send.stderr).toBe(7);
    expect(send.stderr).toMatch(new RegExp(`^crm: error: no database at ${empty}: `));
    expect(readdirSync(empty)).toEqual([]);
  });

  it('a writing command creates a new database, says so, and keeps it the owner’s alone (0700/0600)', async () => {
    const dir = join(scratch, 'new', 'crm');
    const add = await runCli(
      [
        'hospital',
        'add',
        '--code',
        'LAG-001',
        '--name',
        'Lagos Island',
        '--state',
        'Lagos',
        '--city',
        'Lagos',
      ],
      { CRM_DATA_DIR: dir },
    );
    expect(add.code, add.stderr).toBe(0);
    expect(add.stderr).toBe(`crm: created a new embedded database in ${dir}\n`);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(openToOthers(dir)).toEqual([]);
    // Files PostgreSQL creates later (new relations, its caches) stay private as well.
    const imported = await runCli(
      ['patient', 'import', join(ROOT, 'examples', 'patients.csv'), '--hospital', 'LAG-001'],
      {
        CRM_DATA_DIR: dir,
      },
    );
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).not.toContain('created a new');
    expect(openToOthers(dir)).toEqual([]);
    // And the data is there: the new database was migrated and kept.
    const list = await runCli(['hospital', 'list', '--json'], { CRM_DATA_DIR: dir });
    expect(JSON.parse(list.stdout).map((h: { code: string }) => h.code)).toEqual(['LAG-001']);
  });

  it('a database folder open to other users is tightened, with a warning', async () => {
    const dir = copyOfDatabase('shared');
    execFileSync('chmod', ['-R', 'go+rwX', dir]);
    expect(openToOthers(dir).length).toBeGreaterThan(100);
    const r = await runCli(['hospital', 'list', '--json'], { CRM_DATA_DIR: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(
      `warning: the embedded database in ${dir} was open to other local users (mode 0777): its folder is now 0700 and its files 0600\n`,
    );
    expect(openToOthers(dir)).toEqual([]);
    const again = await runCli(['hospital', 'list', '--json'], { CRM_DATA_DIR: dir });
    expect(again.stderr).toBe('');
  });

  it('a table file damaged between two commands is refused (exit 7) instead of read as fewer rows', async () => {
    const dir = copyOfDatabase('truncated');
    const add = [
      'hospital',
      'add',
      '--code',
      'LAG-010',
      '--name',
      'Ten',
      '--state',
      'Lagos',
      '--city',
      'Lagos',
    ];
    expect((await runCli(add, { CRM_DATA_DIR: dir })).code).toBe(0);
    // "Between two commands" through the service is once it has stopped (and closed the files).
    if (throughService) expect((await runCli(['db', 'stop'], { CRM_DATA_DIR: dir })).code).toBe(0);
    // Where the hospital table lives, asked of a copy (opening the folder itself would change it).
    const probe = join(scratch, 'truncated-probe');
    cpSync(dir, probe, { recursive: true });
    const file = await relationFileOf(probe, 'hospital');
    truncateSync(join(dir, 'pgdata', file), 0);
    const before = snapshot(dir);
    for (let i = 0; i < 2; i++) {
      const r = await runCli(['hospital', 'list', '--json'], { CRM_DATA_DIR: dir });
      expect(r.code, r.stderr).toBe(7);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `crm: error: the embedded database in ${dir} was changed from outside since it was last closed (pgdata/${file} is 0 bytes, was 8192): its tables would read as partial data, so it is not opened; restore the folder from a backup\n`,
      );
    }
    expect(snapshot(dir)).toEqual(before);
    // The probe copy was opened by PostgreSQL without crm: its recorded sizes are stale, not damage.
    const listed = await runCli(['hospital', 'list', '--json'], { CRM_DATA_DIR: probe });
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).map((h: { code: string }) => h.code)).toContain('LAG-010');
    if (throughService) await runCli(['db', 'stop'], { CRM_DATA_DIR: probe });
  });
});

/** The file of `table` under pgdata/, asked of PGlite directly (as another tool would). */
async function relationFileOf(dir: string, table: string): Promise<string> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create({ dataDir: join(dir, 'pgdata') });
  try {
    const r = await db.query<{ path: string }>('select pg_relation_filepath($1) as path', [table]);
    return r.rows[0]!.path;
  } finally {
    await db.close();
  }
}

/**
 * A real full disk: a small tmpfs. Mounting needs root (CAP_SYS_ADMIN); elsewhere this is
 * skipped, and the mapping of PGlite's messages is covered by tests/unit/embedded-failure.test.ts.
 */
function mountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * A tmpfs of `size` for the tests of one describe. `dataDirLeaving(kb)` copies the test database
 * onto it and fills the rest of the disk but `kb` kilobytes; undefined where it cannot be mounted.
 */
function tmpfsOf(size: string): { dataDirLeaving(kb: number): string | undefined } {
  let mnt: string;
  let mounted = false;
  beforeAll(() => {
    mnt = mkdtempSync(join(tmpdir(), 'crm-full-'));
    mounted = mountTmpfs(mnt, size);
  });
  afterAll(() => {
    // Lazily: a crm ended by the test's timeout may still hold it.
    if (mounted) execFileSync('umount', ['-l', mnt]);
    rmSync(mnt, { recursive: true, force: true });
  });
  return {
    dataDirLeaving(kb) {
      if (!mounted) return undefined;
      const dir = join(mnt, 'crm');
      cpSync(tdb.env.CRM_DATA_DIR!, dir, { recursive: true });
      const free = Number(execFileSync('df', ['-k', '--output=avail', mnt]).toString().split('\n')[1]);
      execFileSync('fallocate', ['-l', `${Math.max(free - kb, 1)}K`, join(mnt, 'filler')]);
      return dir;
    },
  };
}

/** 100,000 patients: far more than a nearly full disk holds. */
function patientsFile(): string {
  const rows = Array.from({ length: 100_000 }, (_, i) => `A${i},B${i},0803${1_000_000 + i},M${i}`);
  return writeTempFile(`first,last,phone,mrn\n${rows.join('\n')}\n`);
}

describe.runIf(!onPostgres)('embedded database on a full disk', () => {
  const disk = tmpfsOf('80m');

  it('an import that fills the disk, and the next open, are exit 7 naming the folder and the free space', async (ctx) => {
    // Leave about 1 MB: far less than 100,000 patients need.
    const dir = disk.dataDirLeaving(1024);
    if (!dir) return ctx.skip();
    const file = patientsFile();

    const r = await runCli(['patient', 'import', file], { CRM_DATA_DIR: dir });
    expect(r.code, r.stderr).toBe(7);
    expect(r.stderr).toMatch(
      new RegExp(
        `^crm: error: the (disk of the )?embedded database in ${dir} (is full|stopped) \\(\\d+ kB free`,
        'm',
      ),
    );
    expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);

    if (throughService) {
      // The service keeps the database open: the full disk failed the import's writes, and reads
      // go on. The next open is the one after it stopped.
      const read = await runCli(['hospital', 'list'], { CRM_DATA_DIR: dir });
      expect(read.code, read.stderr).toBe(0);
      await runCli(['db', 'stop'], { CRM_DATA_DIR: dir });
    }
    const list = await runCli(['hospital', 'list'], { CRM_DATA_DIR: dir });
    expect(list.code, list.stderr).toBe(7);
    expect(list.stderr).toContain(`embedded database in ${dir}`);
    expect(list.stderr).toMatch(/\(\d+ kB (free|on its disk)/);
  });
});

describe.runIf(!onPostgres)('embedded database whose disk fills while PostgreSQL writes its WAL', () => {
  const disk = tmpfsOf('120m');

  // With ~40 MB left the relation files still grow and a new 16 MB WAL segment does not:
  // PostgreSQL PANICs, PGlite's module aborts, and the query the import waits on never settles.
  // Before the abort watch (core/db/embedded-abort.ts) most such runs sat idle until killed.
  it('a PGlite abort mid-import ends the command with exit 7 naming the folder and the free space', async (ctx) => {
    const dir = disk.dataDirLeaving(40 * 1024);
    if (!dir) return ctx.skip();
    const file = patientsFile();

    const r = await runCli(['patient', 'import', file], { CRM_DATA_DIR: dir });
    expect(r.code, r.stderr).toBe(7);
    expect(r.stderr).toMatch(
      new RegExp(
        `^crm: error: the (disk of the )?embedded database in ${dir} (is full|stopped) \\([\\d.]+ [kMG]?B free`,
        'm',
      ),
    );
  }, 90_000);
});

describe.runIf(onPostgres)('PostgreSQL database that does not exist', () => {
  it('is exit 7 naming it, for reads and for db migrate, and is never created', async () => {
    const name = `crm_h_embedded_missing_${process.pid}`;
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${name}`;
    const pg = (await import('pg')).default;
    const exists = async () => {
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await c.connect();
      try {
        return (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
      } finally {
        await c.end();
      }
    };
    expect(await exists()).toBe(false);
    for (const args of [
      ['hospital', 'list'],
      ['db', 'migrate'],
    ]) {
      const r = await runCli(args, { DATABASE_URL: url.toString() });
      expect(r.code, r.stderr).toBe(7);
      expect(r.stderr).toMatch(
        new RegExp(
          `^crm: error: cannot connect to PostgreSQL at .*/${name}: database "${name}" does not exist; create it first \\(\`createdb ${name}\``,
        ),
      );
    }
    expect(await exists()).toBe(false);
  });
});
