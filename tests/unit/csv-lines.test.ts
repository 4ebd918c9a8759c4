import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvLineReader, splitCsvLine } from '../../src/core/csv.js';
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
