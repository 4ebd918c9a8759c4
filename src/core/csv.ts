/**
 * CSV plumbing shared by every import and export: delimiter sniffing, header normalisation,
 * a streaming parser over any file size, and formula-injection protection for cells that a
 * spreadsheet program will open.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { parse } from 'csv-parse';

/** Header text → comparison key: case, spaces, `_`, `-` and `.` ignored. */
export function normalizeHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .toLowerCase()
    .replace(/[\s_\-.]+/g, '');
}

/** Chooses `,` or `;` (or a tab) by counting them in the first line, outside quotes. */
export async function sniffDelimiter(path: string): Promise<',' | ';' | '\t'> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    const counts = { ',': 0, ';': 0, '\t': 0 };
    let quoted = false;
    for (const ch of text) {
      if (ch === '"') quoted = !quoted;
      else if (!quoted && (ch === '\n' || ch === '\r')) break;
      else if (!quoted && ch in counts) counts[ch as keyof typeof counts]++;
    }
    if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
    if (counts['\t'] > counts[',']) return '\t';
    return ',';
  } finally {
    await handle.close();
  }
}

export interface CsvRecordStream {
  /** Raw records, header first. */
  records: AsyncIterable<string[]>;
  /** Bytes of the file read so far (for progress bars). */
  bytesRead(): number;
}

/**
 * Streams a CSV file record by record in constant memory: UTF-8 with or without BOM, CRLF or LF,
 * quoted fields with embedded delimiters and newlines. Rows with a different number of fields
 * are passed through so that the caller can reject them with a row number.
 */
export async function streamCsv(path: string): Promise<CsvRecordStream> {
  const delimiter = await sniffDelimiter(path);
  const input = createReadStream(path, { highWaterMark: 1 << 20 });
  let bytes = 0;
  input.on('data', (chunk) => {
    bytes += chunk.length;
  });
  const parser = input.pipe(
    parse({
      bom: true,
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
    }),
  );
  input.on('error', (error) => parser.destroy(error));
  return { records: parser as AsyncIterable<string[]>, bytesRead: () => bytes };
}

/**
 * Cells that start with `=`, `+`, `-`, `@`, tab or CR are formulas to a spreadsheet program
 * (CSV injection); a leading apostrophe makes them text. Only for text cells — amounts stay numbers.
 */
export function protectCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
