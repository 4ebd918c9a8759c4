import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, statfsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { UnavailableError } from '../errors.js';

/**
 * The embedded database's folder: what is in it, who may read it, and what its failures mean.
 *
 * A folder is a database when it holds `pgdata/PG_VERSION`. Only a folder that does not exist or
 * is empty may become a new one (PGlite runs initdb over whatever it finds, so a folder that
 * lost PG_VERSION, or a mistyped CRM_DATA_DIR naming some other folder, would silently become an
 * empty database). The folder is the owner's alone (0700): everything below it, whatever its own
 * mode, is then out of other local users' reach.
 */
export type DataDirState =
  | { kind: 'missing' }
  | { kind: 'empty' }
  | { kind: 'database' }
  | { kind: 'foreign'; entries: string[] };

/**
 * Our own files beside `pgdata`: the lock, claims and temporary files of its takeover, and the
 * service's (crm.service, its socket, COPY data files, the starters' lock), a restore's folder.
 */
const isLockFile = (name: string) =>
  name === 'crm.lock' ||
  name.startsWith('crm.lock.') ||
  name === 'crm.service' ||
  name.startsWith('crm.blob.') ||
  // A restore of the package's database image under way, or killed (embedded-image.ts).
  name.startsWith('crm.restore.') ||
  name === '.s.PGSQL.5432';

export function inspectDataDir(dir: string): DataDirState {
  if (!existsSync(dir)) return { kind: 'missing' };
  if (existsSync(join(dir, 'pgdata', 'PG_VERSION'))) return { kind: 'database' };
  let entries: string[];
  try {
    entries = readdirSync(dir).filter((name) => !isLockFile(name));
  } catch (error) {
    throw new UnavailableError(
      'embedded_database_invalid',
      `the embedded database folder ${dir} cannot be read: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return entries.length === 0 ? { kind: 'empty' } : { kind: 'foreign', entries: entries.sort() };
}

export function noDatabaseError(dir: string): UnavailableError {
  return new UnavailableError(
    'embedded_database_missing',
    `no database at ${dir}: check CRM_DATA_DIR (a command that only reads or runs a period never creates one; \`crm db migrate\` creates a new database there)`,
  );
}

export function notADatabaseError(dir: string, entries: string[]): UnavailableError {
  const shown =
    entries.slice(0, 5).join(', ') + (entries.length > 5 ? `, … (${entries.length} entries)` : '');
  const why = entries.includes('pgdata')
    ? 'pgdata/PG_VERSION is missing, so the database in it is damaged: restore the folder from a backup'
    : `it holds other files (${shown}): point CRM_DATA_DIR at the database's folder, or at an empty or new one`;
  return new UnavailableError('embedded_database_invalid', `${dir} is not a crm embedded database: ${why}`);
}

/** Creates the folder, the owner's alone; its parents get the usual modes. */
export function createDataDir(dir: string): void {
  mkdirSync(dirname(dir), { recursive: true });
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    // Another process creating the same database: the lock decides who runs initdb.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  chmodSync(dir, 0o700);
}

/** The folder's permission bits; any of 0o077 set lets other local users in. */
export function folderMode(dir: string): number {
  return statSync(dir).mode & 0o777;
}

/**
 * Sets the folder and every folder below it to 0700 and every file to 0600 (symbolic links are
 * not followed). Used on a database folder that was shared, and after initdb, which PGlite
 * writes with mode 0666 whatever the umask.
 */
export function restrictTree(dir: string): void {
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) restrictTree(path);
    else if (entry.isFile() && (lstatSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  }
}

/**
 * PostgreSQL rewrites its relation-cache files (`pg_internal.init`, one for the cluster and one
 * per database) each time it starts, and under PGlite they come out 0644 whatever the process's
 * umask: found by listing the files open to others after imports, payout runs and reads, these
 * are the only ones. Restricting them is two chmods, where walking the whole folder on every
 * open costs 10–50 ms of start-up.
 */
export function restrictRelcacheFiles(dir: string): void {
  const pgdata = join(dir, 'pgdata');
  const folders = [join(pgdata, 'global')];
  try {
    for (const name of readdirSync(join(pgdata, 'base'))) folders.push(join(pgdata, 'base', name));
  } catch {
    return;
  }
  for (const folder of folders) {
    const file = join(folder, 'pg_internal.init');
    try {
      if ((lstatSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    } catch {
      // Not written (yet): nothing to restrict.
    }
  }
}

let umaskHolds = 0;
let savedUmask = 0;

/**
 * While an embedded database is open the process's umask is 077: PostgreSQL writes files later
 * (new relations, its relcache file at each start) with modes the umask decides. Counted, since
 * tests open several databases in one process; a worker thread cannot change it (and opens none).
 */
export function holdPrivateUmask(): () => void {
  if (!isMainThread) return () => {};
  if (umaskHolds++ === 0) savedUmask = process.umask(0o077);
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    if (--umaskHolds === 0) process.umask(savedUmask);
  };
}

function freeSpace(dir: string): string {
  let path = dir;
  while (!existsSync(path) && dirname(path) !== path) path = dirname(path);
  try {
    const { bavail, bsize } = statfsSync(path);
    const bytes = Number(bavail) * Number(bsize);
    if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB free`;
    if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB free`;
    return `${Math.round(bytes / 1024)} kB free`;
  } catch {
    return 'free space unknown';
  }
}

const DISK_FULL = /no space left on device|could not extend file|ENOSPC|disk quota exceeded|EDQUOT/i;
const ABORTED =
  /Aborted\(|PGlite failed to initialize|PGlite is closed|RuntimeError: unreachable|Connection terminated unexpectedly/i;

/**
 * A disk-full or crash error of the embedded database as exit 7, naming the folder and the free
 * space left on its disk; undefined for any other error. PGlite reports a full disk as
 * PostgreSQL does (SQLSTATE 53100, "could not extend file …: No space left on device") and
 * aborts its WebAssembly module ("Aborted()") when it cannot go on; the next open then fails with
 * "PGlite failed to initialize" until space is freed.
 */
export function embeddedFailure(error: unknown, dir: string): UnavailableError | undefined {
  if (error instanceof UnavailableError) return undefined;
  const e = error as { code?: string; message?: string } | undefined;
  const message = (e?.message ?? String(error)).split('\n')[0]!;
  if (e?.code === '53100' || e?.code === 'ENOSPC' || DISK_FULL.test(message)) {
    return new UnavailableError(
      'embedded_database_disk_full',
      `the disk of the embedded database in ${dir} is full (${freeSpace(dir)}): ${message}; free some space and run the command again (work committed before stays)`,
      { cause: error },
    );
  }
  if ((error as Error)?.name === 'RuntimeError' || ABORTED.test(message)) {
    return new UnavailableError(
      'embedded_database_failed',
      `the embedded database in ${dir} stopped (${freeSpace(dir)} on its disk): ${message}; if the disk is full, free some space and run the command again`,
      { cause: error },
    );
  }
  return undefined;
}
