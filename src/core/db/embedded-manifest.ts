import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UnavailableError } from '../errors.js';

/**
 * The sizes of the embedded database's table and index files, written when it is closed and
 * checked when it is next opened.
 *
 * Between two commands nothing may change these files: PostgreSQL writes them only while it runs,
 * and every close ends with a checkpoint. A file that is shorter, longer or gone when the next
 * command opens the folder was damaged from outside (a failed copy or restore, a disk or
 * file-system fault, someone's `truncate`). PostgreSQL itself would not notice: a table whose
 * file lost its last pages reads as a table with fewer rows, so lists, counts and payout runs
 * would answer from partial data with exit 0. The check refuses to open such a folder (exit 7).
 *
 * The manifest is removed when a command opens the database, so a command killed mid-way (whose
 * files legitimately differ afterwards) leaves none and the next open is not checked: PostgreSQL's
 * own recovery replays the WAL then. It also records a digest of `global/pg_control`, which every
 * checkpoint rewrites: if PostgreSQL ran on the folder by other means since (another tool, an
 * older crm), the sizes are stale and are not held against the files. Cost: one `stat` per
 * relation file (~570 in a new database), a few milliseconds.
 */
const MANIFEST = 'pgdata.sizes';

/** Relation files (`16384`, `16384.1`, `16384_fsm`, `16384_vm`, `16384_init`); not caches or maps. */
const RELATION_FILE = /^\d+(_fsm|_vm|_init)?(\.\d+)?$/;

function relationFiles(pgdata: string): string[] {
  const folders = ['global'];
  for (const name of readdirSync(join(pgdata, 'base'))) folders.push(join('base', name));
  const files: string[] = [];
  for (const folder of folders)
    for (const name of readdirSync(join(pgdata, folder)))
      if (RELATION_FILE.test(name)) files.push(join(folder, name));
  return files;
}

function controlDigest(pgdata: string): string {
  return createHash('sha256')
    .update(readFileSync(join(pgdata, 'global', 'pg_control')))
    .digest('hex');
}

/** Records every relation file's size (after the database was closed cleanly). */
export function writeFileManifest(dir: string): void {
  const pgdata = join(dir, 'pgdata');
  const lines = relationFiles(pgdata).map((file) => `${statSync(join(pgdata, file)).size} ${file}`);
  const path = join(dir, MANIFEST);
  const text = `control ${controlDigest(pgdata)}\n${lines.join('\n')}\n`;
  writeFileSync(`${path}.tmp`, text, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

/**
 * Checks the files against the manifest of the last clean close, then removes it (see above).
 * Throws exit 7 naming the first damaged files; without a manifest there is nothing to check.
 */
export function checkFileManifest(dir: string): void {
  const path = join(dir, MANIFEST);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return;
  }
  const pgdata = join(dir, 'pgdata');
  const [control, ...lines] = text.split('\n');
  let sameRun: boolean;
  try {
    sameRun = control === `control ${controlDigest(pgdata)}`;
  } catch {
    sameRun = false; // no pg_control: PostgreSQL itself refuses such a folder
  }
  const damaged: string[] = [];
  for (const line of sameRun ? lines : []) {
    if (line === '') continue;
    const space = line.indexOf(' ');
    const expected = Number(line.slice(0, space));
    const file = line.slice(space + 1);
    let size: number | null;
    try {
      size = statSync(join(pgdata, file)).size;
    } catch {
      size = null;
    }
    if (size === expected) continue;
    damaged.push(size === null ? `${file} is missing` : `${file} is ${size} bytes, was ${expected}`);
  }
  if (damaged.length > 0) {
    const shown =
      damaged.slice(0, 3).join('; ') + (damaged.length > 3 ? `; and ${damaged.length - 3} more` : '');
    throw new UnavailableError(
      'embedded_database_damaged',
      `the embedded database in ${dir} was changed from outside since it was last closed (pgdata/${shown}): its tables would read as partial data, so it is not opened; restore the folder from a backup`,
    );
  }
  rmSync(path, { force: true });
}
