import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'crm-files-'));
let n = 0;

/** Writes a test file (exact bytes: BOM, CRLF and all) and returns its path. */
export function writeTempFile(content: string | Buffer, name = `file-${++n}.csv`): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

export function tempPath(name: string): string {
  return join(dir, `${++n}-${name}`);
}
