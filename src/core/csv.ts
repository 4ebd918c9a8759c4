/**
 * CSV plumbing shared by every import and export: delimiter sniffing, header normalisation,
 * a streaming parser over any file size, and formula-injection protection for cells that a
 * spreadsheet program will open.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { parse } from 'csv-parse';
import { ValidationError } from './errors.js';

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
 * The longest record read, in characters. No patient or transaction row comes near it; a quote
 * that is never closed would otherwise make the rest of the file — hundreds of megabytes — one
 * field in memory before the end of the file says so.
 */
export const MAX_RECORD_CHARS = 16 * 1024 * 1024;

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
      max_record_size: MAX_RECORD_CHARS,
    }),
  );
  input.on('error', (error) => parser.destroy(error));
  let records = 0;
  async function* checked(): AsyncGenerator<string[]> {
    try {
      for await (const record of parser as AsyncIterable<string[]>) {
        records++;
        yield record;
      }
    } catch (error) {
      throw malformedCsv(error, path, records + 1);
    }
  }
  return { records: checked(), bytesRead: () => bytes };
}

/**
 * What csv-parse could not read, as an input error naming the row (the header is row 1). With the
 * options above only a quote left open — to the end of the file or for more than MAX_RECORD_CHARS —
 * is fatal: every row after it would be one field, so the import stops there instead of
 * rejecting a single swallowed "row".
 */
function malformedCsv(error: unknown, path: string, row: number): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('CSV_')) return error;
  const reason =
    code === 'CSV_QUOTE_NOT_CLOSED'
      ? `row ${row} opens a quoted field that is never closed (the file ends inside the quotes); close it and import the file again`
      : code === 'CSV_MAX_RECORD_SIZE'
        ? `row ${row} is longer than ${MAX_RECORD_CHARS / 1024 / 1024} MiB: a quoted field is probably never closed; close it and import the file again`
        : `row ${row} cannot be read as CSV (${(error as Error).message}); fix it and import the file again`;
  return new ValidationError('file', path, reason, 'import_malformed_csv');
}

/**
 * Files are read as UTF-8, and a byte sequence that is not UTF-8 decodes to U+FFFD. A file saved
 * as "ANSI" (Windows-1252, what many spreadsheet programs write for plain "CSV") reads fine until
 * a name like `José` or `Adébáyọ̀`, which would otherwise be stored as `Jos�`: the cell is rejected
 * with this reason instead, and the operator re-saves the file as UTF-8.
 */
export const NOT_UTF8 =
  'is not UTF-8 text (the file may be saved as ANSI/Windows-1252; save it as "CSV UTF-8")';

/** Whether a decoded cell held bytes that are not UTF-8 (see NOT_UTF8). */
export function hasInvalidUtf8(value: string): boolean {
  return value.includes('\uFFFD');
}

/**
 * PostgreSQL's text cannot hold the NUL character (U+0000): one in a cell made the whole COPY,
 * and with it the import, fail. Validators reject the cell's row with this reason instead.
 */
export const NUL_BYTE = 'holds a NUL byte (character 0), which cannot be stored: remove it';

/** Whether a cell holds a NUL character (see NUL_BYTE). */
export function hasNul(value: string): boolean {
  return value.includes('\0');
}

/**
 * Cells that start with `=`, `+`, `-`, `@`, tab or CR are formulas to a spreadsheet program
 * (CSV injection); a leading apostrophe makes them text. Only for text cells — amounts stay numbers.
 */
export function protectCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * Splits one physical line into fields the way the streaming parser reads it (RFC 4180 quoting,
 * `""` inside quotes, quotes inside an unquoted field kept as written). Undefined when the line is
 * not a whole record on its own — a quoted field still open at the end (a line break inside
 * quotes) or text after a closing quote —: the caller then leaves the file to the full parser.
 */
export function splitCsvLine(line: string, delimiter: string): string[] | undefined {
  if (!line.includes('"')) return line.split(delimiter);
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      let from = i + 1;
      for (;;) {
        const quote = line.indexOf('"', from);
        if (quote < 0) return undefined;
        value += line.slice(from, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          from = quote + 2;
          continue;
        }
        i = quote + 1;
        break;
      }
      fields.push(value);
      if (i === line.length) return fields;
      if (line[i] !== delimiter) return undefined;
      i++;
    } else {
      const next = line.indexOf(delimiter, i);
      if (next < 0) {
        fields.push(line.slice(i));
        return fields;
      }
      fields.push(line.slice(i, next));
      i = next + 1;
    }
  }
}

/**
 * Reads a file as whole lines (LF or CRLF, BOM dropped), a chunk at a time: the fast path of the
 * imports, which splits lines with `splitCsvLine` instead of running the full CSV parser. Lines
 * are handed out in the order of the file; `bytesRead` follows the file for progress bars.
 */
export class CsvLineReader {
  private readonly chunks: AsyncIterator<string>;
  private readonly input: ReturnType<typeof createReadStream>;
  private rest = '';
  private first = true;
  private done = false;

  constructor(path: string) {
    // 64 KiB reads: the fields handed out are slices of the chunk they came from and keep it
    // alive while any row of it is in a batch; 1 MiB chunks raised a big patient import's peak
    // RSS markedly for no speed gain (BENCHMARKS.md).
    this.input = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 });
    this.chunks = this.input[Symbol.asyncIterator]();
  }

  bytesRead(): number {
    return this.input.bytesRead;
  }

  /** The next lines of the file (without their line endings), or undefined at its end. */
  async next(): Promise<string[] | undefined> {
    while (!this.done) {
      const chunk = await this.chunks.next();
      if (chunk.done) {
        this.done = true;
        const last = this.rest;
        this.rest = '';
        return last === '' ? undefined : [stripCr(last)];
      }
      let text = this.rest + chunk.value;
      if (this.first) {
        this.first = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      const end = text.lastIndexOf('\n');
      if (end < 0) {
        this.rest = text;
        continue;
      }
      this.rest = text.slice(end + 1);
      const lines = text.slice(0, end).split('\n');
      for (let i = 0; i < lines.length; i++) lines[i] = stripCr(lines[i]);
      return lines;
    }
    return undefined;
  }

  close(): void {
    this.input.destroy();
  }
}

function stripCr(line: string): string {
  return line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
}

export interface CsvBatchStream {
  /** The first record (undefined for an empty file). */
  header: string[] | undefined;
  /** The data records in file order, in arrays of up to a few thousand. */
  batches: AsyncIterable<string[][]>;
  /** Bytes of the file read so far (for progress bars). */
  bytesRead(): number;
  /** Stops reading (e.g. after the header) and releases the file. */
  close(): Promise<void>;
}

/** Thrown by `streamCsvBatches(path, { lineRecordsOnly: true })` at a record spanning lines. */
export class NotOneRecordPerLineError extends Error {
  constructor() {
    super('a record of the file spans lines (or a line holds a lone CR)');
  }
}

/**
 * Streams a CSV file as batches of records, reading the same records as `streamCsv` many times
 * faster: while every line is a whole record (the usual export), lines are split by
 * `splitCsvLine`; at the first line that is not (a quoted field with a line break, a lone CR),
 * the rest of the file is read by the full parser, which skips the records already handed out —
 * or, with `lineRecordsOnly`, reading stops with `NotOneRecordPerLineError`.
 */
export async function streamCsvBatches(
  path: string,
  options: { lineRecordsOnly?: boolean } = {},
): Promise<CsvBatchStream> {
  const delimiter = await sniffDelimiter(path);
  let bytes = 0;
  let full: CsvRecordStream | undefined;

  async function* fullParser(skip: number): AsyncGenerator<string[][]> {
    full = await streamCsv(path);
    let seen = 0;
    let out: string[][] = [];
    for await (const record of full.records) {
      if (seen++ < skip) continue;
      out.push(record);
      if (out.length === 1000) {
        yield out;
        out = [];
      }
    }
    if (out.length > 0) yield out;
  }

  async function* lineSplitter(): AsyncGenerator<string[][]> {
    const reader = new CsvLineReader(path);
    let produced = 0;
    try {
      for (let lines = await reader.next(); lines; lines = await reader.next()) {
        const out: string[][] = [];
        for (const line of lines) {
          if (line === '') continue; // as the full parser's skip_empty_lines
          const record = line.includes('\r') ? undefined : splitCsvLine(line, delimiter);
          if (!record) {
            reader.close();
            if (out.length > 0) yield out;
            if (options.lineRecordsOnly) throw new NotOneRecordPerLineError();
            yield* fullParser(produced + out.length);
            return;
          }
          out.push(record);
        }
        bytes = reader.bytesRead();
        produced += out.length;
        if (out.length > 0) yield out;
      }
    } finally {
      reader.close();
    }
  }

  const bytesRead = () => (full ? full.bytesRead() : bytes);
  const all = lineSplitter();
  const close = async () => {
    await all.return(undefined);
  };
  const first = await all.next();
  if (first.done) return { header: undefined, batches: all, bytesRead, close };
  const [header, ...rest] = first.value;
  async function* batches(): AsyncGenerator<string[][]> {
    if (rest.length > 0) yield rest;
    yield* all;
  }
  return { header, batches: batches(), bytesRead, close };
}
