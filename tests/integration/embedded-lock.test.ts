import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { acquireEmbeddedLock } from '../../src/core/db/embedded-lock.js';
import { ROOT } from '../support/cli.js';

const CONTENDER = join(ROOT, 'tests', 'support', 'lock-contender.mjs');
let dir: string;

afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has exited: what a lock left by `kill -9` names. */
function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', '']);
    child.on('error', reject);
    child.on('exit', () => resolve(child.pid!));
  });
}

function writeStaleLock(path: string, pid: number): void {
  const raw = JSON.stringify({
    pid,
    command: 'crm patient import big.csv',
    since: '2026-11-30T23:00:00.000Z',
  });
  writeFileSync(path, raw);
}

/** A contender process (tests/support/lock-contender.mjs); `next` resolves with its next line of output. */
function contender(lockPath: string, waitMs: number): { child: ChildProcess; next: () => Promise<string> } {
  const child = spawn(process.execPath, [CONTENDER, lockPath, String(waitMs)], { stdio: 'pipe' });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const queue: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else queue.push(line);
  });
  const next = () =>
    new Promise<string>((resolve) => {
      const line = queue.shift();
      if (line !== undefined) resolve(line);
      else waiting.push(resolve);
    });
  return { child, next };
}

describe('embedded database lock', () => {
  it('several processes taking over the same stale lock at once: exactly one holds it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'crm-lock-'));
    const lockPath = join(dir, 'crm.lock');
    const contenders = Array.from({ length: 8 }, () => contender(lockPath, 1000));
    for (const c of contenders) expect(await c.next()).toBe('ready');
    // The race is between a few file operations: several rounds, each on a new stale lock.
    for (let round = 0; round < 5; round++) {
      writeStaleLock(lockPath, await deadPid());
      for (const c of contenders) c.child.stdin!.write('go\n');
      const outcomes = await Promise.all(contenders.map((c) => c.next()));

      expect(outcomes.filter((o) => o === 'won')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'lost embedded_database_locked')).toHaveLength(7);
      const winner = contenders[outcomes.indexOf('won')]!;
      expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(winner.child.pid);
      // No claim or temporary files are left beside the lock.
      expect(readdirSync(dir)).toEqual(['crm.lock']);

      winner.child.stdin!.write('release\n');
      expect(await winner.next()).toBe('released');
      expect(readdirSync(dir)).toEqual([]);
    }
  });

  it('a takeover whose claimant died half-way is finished by the next process', async () => {
    dir = mkdtempSync(join(tmpdir(), 'crm-lock-'));
    const lockPath = join(dir, 'crm.lock');
    const holder = await deadPid();
    writeStaleLock(lockPath, holder);
    // A process that claimed the stale lock and was killed before removing it.
    const claim = `${lockPath}.takeover-${holder}-${Date.parse('2026-11-30T23:00:00.000Z')}.1`;
    writeFileSync(claim, JSON.stringify({ pid: await deadPid(), command: 'crm hospital list', since: '' }));

    const lock = await acquireEmbeddedLock(lockPath, 'crm hospital list', 0);
    expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(process.pid);
    expect(readdirSync(dir)).toEqual(['crm.lock']);
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a live holder is never taken over: the second process is told who holds it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'crm-lock-'));
    const lockPath = join(dir, 'crm.lock');
    const lock = await acquireEmbeddedLock(lockPath, 'crm patient import a.csv', 0);
    try {
      const other = contender(lockPath, 200);
      expect(await other.next()).toBe('ready');
      other.child.stdin!.write('go\n');
      expect(await other.next()).toBe('lost embedded_database_locked');
      expect(JSON.parse(readFileSync(lockPath, 'utf8')).pid).toBe(process.pid);
    } finally {
      lock.release();
    }
  });
});
