import { describe, expect, it } from 'vitest';
import { quoteValue, ValidationError } from '../../src/core/errors.js';

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
