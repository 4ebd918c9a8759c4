import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * One scratch folder per test file, made on first use and removed after the file's last test
 * (afterAll is registered when a test file imports this module, at collection time).
 */
let dir: string | undefined;
let n = 0;

function scratch(): string {
  dir ??= mkdtempSync(join(tmpdir(), 'crm-files-'));
  return dir;
}

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Writes a test file (exact bytes: BOM, CRLF and all) and returns its path. */
export function writeTempFile(content: string | Buffer, name = `file-${++n}.csv`): string {
  const path = join(scratch(), name);
  writeFileSync(path, content);
  return path;
}

export function tempPath(name: string): string {
  return join(scratch(), `${++n}-${name}`);
}

/** A fresh empty folder inside the file's scratch folder (removed with it). */
export function tempDir(name = 'dir'): string {
  return mkdtempSync(join(scratch(), `${name}-`));
}
