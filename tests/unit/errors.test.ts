import { describe, expect, it } from 'vitest';
import { NotFoundError, quoteValue, ValidationError } from '../../src/core/errors.js';
import { clip, escapeControls } from '../../src/core/text.js';

describe('ValidationError', () => {
  it('quotes the value as JSON, so control characters and line breaks stay on one line', () => {
    const e = new ValidationError('header', 'a\nb\u0000c', 'no column for phone');
    expect(e.message).toBe('header: no column for phone (got "a\\nb\\u0000c")');
    expect(e.exitCode).toBe(3);
  });

  it('cuts a long value after 80 characters and says how long it was', () => {
    const long = `${'x'.repeat(79)}\n${'y'.repeat(400)}`;
    expect(quoteValue(long)).toBe(`"${'x'.repeat(79)}\\n…", 480 characters`);
    const e = new ValidationError('header', long, 'no column for phone');
    expect(e.message.split('\n')).toHaveLength(1);
    expect(e.message.length).toBeLessThan(160);
    expect(quoteValue('x'.repeat(80))).toBe(`"${'x'.repeat(80)}"`);
    expect(quoteValue(42)).toBe('42');
  });
});

describe('NotFoundError', () => {
  it('quotes at most 100 characters of the reference, escaped, and says how long it was', () => {
    expect(new NotFoundError('patient', 'LAG-1').message).toBe('patient not found: LAG-1');
    const e = new NotFoundError('patient', `\u001b[2J${'x'.repeat(100_000)}`);
    expect(e.message).toBe(`patient not found: \\x1b[2J${'x'.repeat(96)}… (100004 characters)`);
    expect(e.exitCode).toBe(4);
  });
});

describe('escapeControls', () => {
  it('writes C0, DEL, C1 and bidirectional controls as visible escapes, and leaves text alone', () => {
    expect(escapeControls('Adébáyọ̀ Ọláolúwa')).toBe('Adébáyọ̀ Ọláolúwa');
    expect(escapeControls('a\tb\nc\rd')).toBe('a\\tb\\nc\\rd');
    expect(escapeControls('\u001b[31mred\u0007\u007f\u009b')).toBe('\\x1b[31mred\\x07\\x7f\\x9b');
    expect(escapeControls('abc\u202edcba\u2066')).toBe('abc\\u202edcba\\u2066');
    expect(clip('y'.repeat(101))).toBe(`${'y'.repeat(100)}… (101 characters)`);
  });

  it('escapes in quoted values what JSON leaves raw (C1 controls, bidi overrides)', () => {
    expect(quoteValue('a\u009b2J\u202e')).toBe('"a\\x9b2J\\u202e"');
  });
});
