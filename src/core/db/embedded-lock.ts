import {
  closeSync,
  linkSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UnavailableError } from '../errors.js';
import { toIsoLagos } from '../time.js';

/**
 * The embedded database (PGlite) is one process's files: two processes opening the same folder
 * would corrupt it. A lock file, created only if it does not exist, holds the pid and command of
 * its owner; a second `crm` waits up to `waitMs` for it, then exits 7 naming the holder. A lock
 * left by a process that no longer exists (kill -9) is taken over.
 *
 * The takeover is the delicate part. "Read the owner, see it is dead, delete the file" lets two
 * processes that both saw the dead owner both delete, the second one deleting the lock the first
 * had meanwhile created: both would then believe they hold it. So the stale lock is removed only
 * by the process that first creates a claim file named after that stale lock (`removeStaleLock`),
 * and the new lock is then won, as always, by whoever creates the lock file first.
 */
export interface EmbeddedLock {
  release(): void;
}

interface LockOwner {
  pid: number;
  command: string;
  since: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readRaw(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function parseOwner(raw: string | undefined): LockOwner | undefined {
  if (raw === undefined) return undefined;
  try {
    const owner = JSON.parse(raw) as LockOwner;
    return Number.isInteger(owner?.pid) ? owner : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Creates `path` holding `content` unless it exists. The content is written to a file of this
 * process's own and hard-linked into place, so a lock or claim never exists half-written: one
 * created empty by a process killed before it wrote its pid would name nobody, and stay forever.
 */
function createExclusive(path: string, content: string): boolean {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  try {
    linkSync(tmp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // A file system without hard links: O_EXCL, with the brief half-written window.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS') return createWithOExcl(path, content);
    throw error;
  } finally {
    rmSync(tmp, { force: true });
  }
}

function createWithOExcl(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Removes the stale lock (`staleRaw`, left by the dead `stale`), unless another living process is
 * already removing it. Returns whether this process did the work; either way the caller then
 * competes for a new lock like any process.
 *
 * Only the creator of a claim file named after the stale lock may delete it, and claim files are
 * created exclusively, so at most one process removes a given stale lock. A claimant killed during
 * its takeover leaves its claim: the next process sees its owner dead and claims the next level,
 * and so on. The lock file can only have stopped being the stale one by such a dead claimant's
 * delete, which is why the content is compared before deleting: once the stale lock is gone, no
 * later claimant touches the lock file.
 */
function removeStaleLock(path: string, staleRaw: string, stale: LockOwner, me: string): boolean {
  const dir = dirname(path);
  const prefix = `${basename(path)}.takeover-${stale.pid}-${Date.parse(stale.since) || 0}.`;
  for (let level = 1; ; level++) {
    const claim = join(dir, `${prefix}${level}`);
    if (createExclusive(claim, me)) break;
    const claimant = parseOwner(readRaw(claim));
    // Gone (the takeover just finished) or alive (in progress): leave it to that process.
    if (!claimant || isAlive(claimant.pid)) return false;
  }
  try {
    if (readRaw(path) === staleRaw) rmSync(path, { force: true });
  } finally {
    for (const name of readdirSync(dir))
      if (name.startsWith(prefix) && !name.endsWith('.tmp')) rmSync(join(dir, name), { force: true });
  }
  return true;
}

export async function acquireEmbeddedLock(
  path: string,
  command: string,
  waitMs: number,
  /** How often a held lock is looked at again. */
  pollMs = 100,
): Promise<EmbeddedLock> {
  const me = JSON.stringify({
    pid: process.pid,
    command,
    since: new Date().toISOString(),
  } satisfies LockOwner);
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (createExclusive(path, me)) break;
    const raw = readRaw(path);
    const owner = parseOwner(raw);
    if (raw !== undefined && owner && !isAlive(owner.pid)) {
      // The holder died without releasing (kill -9).
      if (removeStaleLock(path, raw, owner, me)) continue;
    }
    if (Date.now() >= deadline) {
      const who = owner
        ? `process ${owner.pid} (${owner.command}, since ${lagosTime(owner.since)})`
        : 'another process';
      throw new UnavailableError(
        'embedded_database_locked',
        `the embedded database in ${dirname(path)} is in use by ${who}; wait for it to finish, or set DATABASE_URL to use PostgreSQL for concurrent work`,
      );
    }
    await new Promise((r) => setTimeout(r, owner && !isAlive(owner.pid) ? 10 : pollMs));
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    // Only this process deletes a lock naming it, so reading then deleting cannot race.
    if (parseOwner(readRaw(path))?.pid === process.pid) rmSync(path, { force: true });
  };
  process.once('exit', release);
  return { release };
}

/** A lock file's start time (UTC, as written) in Lagos time for messages; as written if unreadable. */
function lagosTime(since: string): string {
  const at = new Date(since);
  return Number.isNaN(at.getTime()) ? since : toIsoLagos(at);
}
