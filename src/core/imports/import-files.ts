/**
 * Checks of an import's files before any row is read: the CSV file itself (exists, is a file, can
 * be read, is not a spreadsheet workbook) and the `--errors` file (can be written), and the
 * file's SHA-256, which names a resumable import's checkpoint.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync, type Stats, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { NotFoundError, ValidationError } from '../errors.js';
import { checkOutputFile } from '../output-files.js';

/**
 * Signatures of files an operator may hand over instead of CSV: an .xlsx workbook (a ZIP archive)
 * or an old .xls one (an OLE2 compound file). Read as text, they only produced a header error full
 * of binary.
 */
const WORKBOOK_SIGNATURES = [Buffer.from('PK\x03\x04', 'latin1'), Buffer.from('d0cf11e0a1b11ae1', 'hex')];

/**
 * The size of an import file in bytes (for progress), once it is known to be a readable file that
 * is not a spreadsheet workbook: exit 4 when there is no such file, 3 for a directory, a file that
 * cannot be read or a workbook.
 */
export function importFileSize(path: string): number {
  const stat = statOrUndefined(path);
  if (!stat) throw new NotFoundError('file', path, 'file_not_found');
  if (stat.isDirectory())
    throw new ValidationError('file', path, 'is a directory, not a CSV file', 'import_not_a_file');
  const head = readHead(path, 8);
  if (WORKBOOK_SIGNATURES.some((signature) => head.subarray(0, signature.length).equals(signature)))
    throw new ValidationError(
      'file',
      path,
      'is a spreadsheet workbook (.xlsx/.xls), not CSV: save it as "CSV UTF-8" and import that',
      'import_not_csv',
    );
  return stat.size;
}

/** The file's stat, or undefined when the path names nothing (ENOENT, or ENOTDIR: `a-file/x.csv`). */
function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** The first `length` bytes of a file (fewer when it is shorter), or exit 3 when it cannot be read. */
function readHead(path: string, length: number): Buffer {
  const head = Buffer.alloc(length);
  try {
    const fd = openSync(path, 'r');
    try {
      return head.subarray(0, readSync(fd, head, 0, length, 0));
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new ValidationError('file', path, `cannot be read (${reason})`, 'import_unreadable_file');
  }
}

/**
 * Checks before an import starts that `--errors FILE` can be written (output-files.ts): otherwise
 * the first rejected row — possibly millions of rows in, on the reading thread — failed with an
 * unexpected error. Nothing is created here.
 */
export function checkErrorsFile(path: string | undefined): void {
  if (path !== undefined) checkOutputFile(path, '--errors', { code: 'import_errors_file_unwritable' });
}

/** The SHA-256 of a file's bytes, in hex. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), hash);
  return hash.digest('hex');
}
