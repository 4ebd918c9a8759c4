import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, onTestFinished, TestRunner as VitestTestRunner } from 'vitest';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CRM_BIN = join(ROOT, 'bin', 'crm.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `crm` binary with argv and extra environment; stdin is not a TTY.
 *
 * Inside a test, the child does not outlive it (see `startCli`): when the test times out or is
 * cancelled, the child is killed and the promise rejects with the test's abort reason, so that the
 * abandoned test body starts no further process.
 */
export function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  options: { cwd?: string; input?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const signal = VitestTestRunner.getCurrentTest()?.context.signal;
    if (signal?.aborted) return reject(signal.reason);
    const child = startCli(args, env, options);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => {
      stdout += d;
    });
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (signal?.aborted) reject(signal.reason);
      else resolve({ code, stdout, stderr });
    });
    child.stdin!.end(options.input ?? '');
  });
}

export function startCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  options: { cwd?: string } = {},
): ChildProcess {
  const childEnv: Record<string, string | undefined> = {
    ...process.env,
    NO_COLOR: '1',
    CRM_OPERATOR: 'tester',
    ...env,
  };
  // A test chooses its database explicitly: never inherit the suite's DATABASE_URL by accident.
  if (!('DATABASE_URL' in env)) delete childEnv.DATABASE_URL;
  const child = spawn(process.execPath, [CRM_BIN, ...args], {
    env: childEnv as NodeJS.ProcessEnv,
    cwd: options.cwd ?? ROOT,
    stdio: 'pipe',
  });
  const test = VitestTestRunner.getCurrentTest();
  if (test) {
    // A test that times out is abandoned, not stopped: without this its child would run on, into
    // the next tests and past afterAll, whose removal of the data folder then fails (ENOTEMPTY).
    // So the child is killed as soon as the test is aborted (timeout, Ctrl-C), and in any case
    // when the test ends, and the test only ends once the child has exited.
    const kill = () => child.kill('SIGKILL');
    const { signal } = test.context;
    signal.addEventListener('abort', kill, { once: true });
    child.once('exit', () => signal.removeEventListener('abort', kill));
    onTestFinished(() => stopChild(child));
  }
  return child;
}

/** Kills the child unless it has exited, and resolves once it has. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** The `--json` document of a run that must have succeeded; a failure shows its stderr. */
export function jsonOf(r: CliResult) {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}
