import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { UnavailableError } from '../errors.js';

/**
 * The embedded database (PGlite) is one process's files: two processes opening the same folder
 * would corrupt it. A lock file created with O_EXCL holds the pid and command of its owner; a
 * second `crm` waits up to `waitMs` for it, then exits 7 naming the holder. A lock left by a
 * process that no longer exists (kill -9) is taken over.
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

function readOwner(path: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

function tryCreate(path: string, owner: LockOwner): boolean {
  try {
    const fd = openSync(path, 'wx');
    writeSync(fd, JSON.stringify(owner));
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

export async function acquireEmbeddedLock(
  path: string,
  command: string,
  waitMs: number,
): Promise<EmbeddedLock> {
  const me: LockOwner = { pid: process.pid, command, since: new Date().toISOString() };
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (tryCreate(path, me)) break;
    const owner = readOwner(path);
    if (owner && !isAlive(owner.pid)) {
      // The holder died without releasing; only the process whose unlink succeeds retries first.
      rmSync(path, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      const who = owner ? `process ${owner.pid} (${owner.command}, since ${owner.since})` : 'another process';
      throw new UnavailableError(
        'embedded_database_locked',
        `the embedded database in ${path.replace(/\/crm\.lock$/, '')} is in use by ${who}; wait for it to finish, or set DATABASE_URL to use PostgreSQL for concurrent work`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    const owner = readOwner(path);
    if (owner?.pid === process.pid) rmSync(path, { force: true });
  };
  process.once('exit', release);
  return { release };
}
