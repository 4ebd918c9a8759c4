/**
 * Files `crm` writes for operators — bank CSVs, errors files of imports and reconciliations.
 * They hold account numbers and personal data, so they are created readable by their owner only
 * (0600), whatever the umask, and a file that already exists is narrowed to 0600 when it is
 * rewritten. Every path option is checked before any work starts (exit 3 with one line): a
 * missing folder found after a million rows, or after payouts were marked exported, was a stack
 * trace and half-done work.
 */
import {
  accessSync,
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { ValidationError } from './errors.js';

/** Owner read and write, nobody else. */
export const PRIVATE_FILE_MODE = 0o600;

/** Errno codes that say the path itself is wrong (gone, a folder, not allowed), not the machine. */
const PATH_ERRORS = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM', 'ENAMETOOLONG', 'EROFS']);

/**
 * Checks that `path` can be written, before anything else happens: its folder exists and is a
 * folder, `path` is not a folder, and whichever of the two will be written is writable. With
 * `atomic` the folder itself must be writable (the file is written beside it and renamed).
 * Nothing is created. Exit 3 naming the option and the path.
 */
export function checkOutputFile(
  path: string,
  option: string,
  { atomic = false, code = 'output_file_unwritable' }: { atomic?: boolean; code?: string } = {},
): void {
  const problem = outputFileProblem(path, atomic);
  if (problem) throw new ValidationError(option, path, `cannot be written: ${problem}`, code);
}

/** Why `path` cannot be written (see checkOutputFile), or undefined when it can. */
export function outputFileProblem(path: string, atomic: boolean): string | undefined {
  if (path.trim() === '') return 'no file name given';
  const folder = dirname(path);
  // A missing folder, or a file where the folder should be (`a.csv/errors.csv`).
  if (!statOrUndefined(folder)?.isDirectory()) return `there is no folder ${folder}`;
  const existing = statOrUndefined(path);
  if (existing?.isDirectory()) return 'it is a folder';
  try {
    accessSync(existing && !atomic ? path : folder, constants.W_OK);
  } catch {
    return existing && !atomic ? 'permission denied' : `permission denied in the folder ${folder}`;
  }
  return undefined;
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Opens `path` for writing from its start (created or truncated) with mode 0600, and narrows an
 * existing file to 0600 too (`open`'s mode applies only to a file it creates).
 */
export function openPrivateFile(path: string): number {
  const fd = openSync(path, 'w', PRIVATE_FILE_MODE);
  try {
    fchmodSync(fd, PRIVATE_FILE_MODE);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return fd;
}

/**
 * Writes `data` to `tmp` — a new file, 0600, in the folder of its destination — and flushes it to
 * disk. `placeFile` then renames it over the destination: readers see the old file or the whole
 * new one, never a part. A failure removes `tmp` and is thrown as exit 3 when the path is at
 * fault (raced past `checkOutputFile`).
 */
export function writePrivateTemp(
  tmp: string,
  data: string | Buffer,
  option: string,
  destination: string,
): void {
  try {
    const fd = openSync(tmp, 'wx', PRIVATE_FILE_MODE);
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    rmSync(tmp, { force: true });
    throw asPathError(error, option, destination);
  }
}

/** Renames a temp file written by `writePrivateTemp` into place, and flushes its folder's entry. */
export function placeFile(tmp: string, destination: string): void {
  renameSync(tmp, destination);
  // The rename is durable once the folder is flushed; some systems cannot fsync a folder.
  try {
    const dir = openSync(dirname(destination), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {}
}

/** A file-system error of an output path, as the one-line input error it is (or as it was). */
export function asPathError(error: unknown, option: string, path: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (!code || !PATH_ERRORS.has(code)) return error;
  // Node's message is `EISDIR: illegal operation on a directory, rename 'a' -> 'b'`.
  const reason = (error as Error).message.split(',')[0].replace(/^E[A-Z]+: /, '');
  return new ValidationError(option, path, `cannot be written (${reason})`, 'output_file_unwritable');
}
