import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CsvLineReader,
  MAX_RECORD_CHARS,
  splitCsvLine,
  streamCsv,
  streamCsvBatches,
} from '../../src/core/csv.js';
import { writeTempFile } from '../support/files.js';

/** The full parser, with the options the streaming import uses. */
const fullParse = (line: string, delimiter: string): string[] =>
  parse(line, { delimiter, relax_column_count: true, relax_quotes: true })[0] ?? [''];

const cell = fc.string({
  unit: fc.constantFrom('a', 'Z', '9', ' ', ',', ';', '"', '\t', '₦', '\\', '-'),
  maxLength: 8,
});

describe('splitCsvLine (the import fast path)', () => {
  it('reads back every record the CSV writer writes on one line', () => {
    fc.assert(
      fc.property(
        fc.array(cell, { minLength: 1, maxLength: 6 }),
        fc.constantFrom(',', ';'),
        (fields, delimiter) => {
          const line = stringify([fields], { delimiter, record_delimiter: '\n' }).replace(/\n$/, '');
          expect(splitCsvLine(line, delimiter)).toEqual(fields);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('agrees with the full parser on any line it takes on, and steps aside otherwise', () => {
    const anyLine = fc.string({ unit: fc.constantFrom('a', '1', ' ', ',', '"', ';'), maxLength: 20 });
    fc.assert(
      fc.property(anyLine, (line) => {
        const fields = splitCsvLine(line, ',');
        if (fields === undefined) return; // left to the full parser
        expect(fields).toEqual(fullParse(line, ','));
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves a quoted field with a line break, and text after a closing quote, to the full parser', () => {
    expect(splitCsvLine('H1,"first line', ',')).toBeUndefined();
    expect(splitCsvLine('H1,"quoted"tail,3', ',')).toBeUndefined();
    expect(splitCsvLine('H1,"a ""b"", c",,x', ',')).toEqual(['H1', 'a "b", c', '', 'x']);
    expect(splitCsvLine('say "hi",2', ',')).toEqual(['say "hi"', '2']);
  });
});

describe('CsvLineReader', () => {
  it('hands out whole lines across chunk boundaries, without BOM or CR, the last one unterminated', async () => {
    const body = Array.from({ length: 50_000 }, (_, i) => `row-${i},${'x'.repeat(i % 40)}`);
    const file = writeTempFile(`\uFEFF${body.join('\r\n')}`);
    const reader = new CsvLineReader(file);
    const seen: string[] = [];
    for (let lines = await reader.next(); lines; lines = await reader.next()) seen.push(...lines);
    expect(seen).toEqual(body);
    expect(reader.bytesRead()).toBeGreaterThan(1 << 20);
  });
});

describe('streamCsvBatches', () => {
  const readAll = async (file: string) => {
    const stream = await streamCsvBatches(file);
    const records: string[][] = [];
    for await (const batch of stream.batches) records.push(...batch);
    return { header: stream.header, records };
  };
  const readFull = async (file: string) => {
    const records: string[][] = [];
    for await (const r of (await streamCsv(file)).records) records.push(r);
    return { header: records[0], records: records.slice(1) };
  };

  it('reads exactly the records of the full parser, whatever the file holds', async () => {
    const field = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', '7', ' ', '₦'), maxLength: 5 }),
      fc.constantFrom('"quoted, with comma"', '"two\nlines"', '"say ""hi"""', '', 'x"y'),
    );
    const line = fc.array(field, { minLength: 1, maxLength: 4 }).map((f) => f.join(','));
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { minLength: 1, maxLength: 30 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.boolean(),
        async (lines, eol, bom, blankLines) => {
          const body = (blankLines ? lines.flatMap((l, i) => (i % 3 === 2 ? [l, ''] : [l])) : lines).join(
            eol,
          );
          const file = writeTempFile(`${bom ? '\uFEFF' : ''}h1,h2${eol}${body}${eol}`);
          expect(await readAll(file)).toEqual(await readFull(file));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('hands a large simple file out in batches, with progress', async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => `${i},name ${i},"${i}, quoted"`);
    const file = writeTempFile(`id,name,note\n${rows.join('\n')}\n`);
    const stream = await streamCsvBatches(file);
    expect(stream.header).toEqual(['id', 'name', 'note']);
    let n = 0;
    for await (const batch of stream.batches) {
      for (const r of batch) expect(r).toEqual([String(n), `name ${n}`, `${n++}, quoted`]);
    }
    expect(n).toBe(30_000);
    expect(stream.bytesRead()).toBeGreaterThan(500_000);
  });

  it('stops at a quote that is never closed with an input error naming its row (the header is row 1)', async () => {
    const file = writeTempFile('h1,h2\na,b\n"c,d\ne,f\n');
    const stream = await streamCsvBatches(file);
    const read: string[][] = [];
    const reading = (async () => {
      for await (const batch of stream.batches) read.push(...batch);
    })();
    await expect(reading).rejects.toMatchObject({
      exitCode: 3,
      code: 'import_malformed_csv',
      message: `file: row 3 opens a quoted field that is never closed (the file ends inside the quotes); close it and import the file again (got ${JSON.stringify(file)})`,
    });
    expect(read).toEqual([['a', 'b']]);
  });

  it('stops at a record longer than MAX_RECORD_CHARS instead of holding the rest of the file', async () => {
    const file = writeTempFile(`h1,h2\na,b\n"${'x'.repeat(MAX_RECORD_CHARS + 10)}\nc,d\n`);
    await expect(readFull(file)).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringMatching(
        /^file: row 3 is longer than 16 MiB: a quoted field is probably never closed;/,
      ),
    });
  });
});
