/**
 * The errors file of an import (`--errors FILE`): one line per rejected row, with its row number,
 * the first problem's column and value, all reasons, then the row's original cells so that the
 * file can be fixed and imported again. Created 0600 (output-files.ts).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { protectCell } from '../csv.js';
import { openPrivateFile } from '../output-files.js';

/** One reason a row was rejected: the column, the value as written and why. */
export interface RowProblem {
  column: string;
  value: string;
  reason: string;
}

/** A rejected row as the import command shows it without --errors: its first problem, and how many more. */
export interface RowRejection {
  row: number;
  column: string;
  value: string;
  reason: string;
}

/** How many rejected rows an import reports through onRejected (the command prints them). */
export const FIRST_REJECTIONS = 5;

export function rejectionOf(rowNumber: number, problems: RowProblem[]): RowRejection {
  const [first, ...more] = problems;
  const also = more.length > 0 ? ` (and ${more.map((p) => `${p.column}: ${p.reason}`).join('; ')})` : '';
  return { row: rowNumber, column: first.column, value: first.value, reason: `${first.reason}${also}` };
}

/** The errors file: row number, first column, its value, all reasons, then the original record. */
export class ErrorsFileWriter {
  private readonly out: ReturnType<typeof stringify>;
  private readonly done: Promise<void>;
  count = 0;

  constructor(
    readonly path: string,
    headers: string[],
  ) {
    this.out = stringify({
      header: true,
      columns: ['row', 'column', 'value', 'reason', ...headers],
      bom: true,
    });
    // Rejected rows carry personal data: owner-only (0600), like every file crm writes.
    const file: WriteStream = createWriteStream(path, { fd: openPrivateFile(path) });
    this.done = pipeline(this.out, file);
  }

  async write(rowNumber: number, problems: RowProblem[], record: string[]): Promise<void> {
    this.count++;
    const first = problems[0];
    const reason = problems.map((p) => `${p.column}: ${p.reason}`).join('; ');
    const ok = this.out.write([
      rowNumber,
      first.column,
      protectCell(first.value),
      protectCell(reason),
      ...record.map(protectCell),
    ]);
    if (!ok) await new Promise((r) => this.out.once('drain', r));
  }

  async close(): Promise<void> {
    this.out.end();
    await this.done;
  }
}
