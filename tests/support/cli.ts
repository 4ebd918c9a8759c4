import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CRM_BIN = join(ROOT, 'bin', 'crm.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `crm` binary with argv and extra environment; stdin is not a TTY. */
export function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  options: { cwd?: string; input?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
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
    child.on('close', (code) => resolve({ code, stdout, stderr }));
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
  return spawn(process.execPath, [CRM_BIN, ...args], {
    env: childEnv as NodeJS.ProcessEnv,
    cwd: options.cwd ?? ROOT,
    stdio: 'pipe',
  });
}

/** The `--json` document of a run that must have succeeded; a failure shows its stderr. */
export function jsonOf(r: CliResult) {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}
