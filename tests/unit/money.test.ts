import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocate,
  applyBasisPoints,
  formatNaira,
  formatNairaPlain,
  MAX_AMOUNT_KOBO,
  mulDivHalfEven,
  parseNaira,
  parsePercentToBasisPoints,
  splitByBasisPoints,
} from '../../src/core/money.js';

describe('mulDivHalfEven', () => {
  it('rounds halves to the even kobo, both directions and signs', () => {
    expect(mulDivHalfEven(5n, 1n, 2n)).toBe(2n); // 2.5 → 2
    expect(mulDivHalfEven(15n, 1n, 2n)).toBe(8n); // 7.5 → 8
    expect(mulDivHalfEven(-5n, 1n, 2n)).toBe(-2n);
    expect(mulDivHalfEven(-15n, 1n, 2n)).toBe(-8n);
    expect(mulDivHalfEven(10n, 1n, 3n)).toBe(3n); // 3.33 → 3
    expect(mulDivHalfEven(20n, 1n, 3n)).toBe(7n); // 6.67 → 7
  });

  it('is exact against a rational reference', () => {
    fc.assert(
      fc.property(
        fc.bigInt(-(10n ** 15n), 10n ** 15n),
        fc.bigInt(0n, 10_000n),
        fc.bigInt(1n, 10_000n),
        (a, n, d) => {
          const r = mulDivHalfEven(a, n, d);
          // |a·n − r·d| ≤ d/2, and exactly d/2 only when r is even.
          const diff = a * n - r * d;
          const twice = (diff < 0n ? -diff : diff) * 2n;
          expect(twice <= d).toBe(true);
          if (twice === d) expect(r % 2n).toBe(0n);
        },
      ),
    );
  });
});

describe('splitting', () => {
  it('share + rest = total for any amount and percentage', () => {
    fc.assert(
      fc.property(fc.bigInt(-(10n ** 14n), 10n ** 14n), fc.integer({ min: 0, max: 10_000 }), (total, bps) => {
        const [share, rest] = splitByBasisPoints(total, bps);
        expect(share + rest).toBe(total);
        expect(share).toBe(applyBasisPoints(total, bps));
      }),
    );
  });

  it('allocate: parts add up and each is within one kobo of its exact share', () => {
    fc.assert(
      fc.property(
        fc.bigInt(-(10n ** 12n), 10n ** 12n),
        fc.array(fc.bigInt(0n, 1000n), { minLength: 1, maxLength: 12 }).filter((w) => w.some((x) => x > 0n)),
        (total, weights) => {
          const parts = allocate(total, weights);
          expect(parts.reduce((s, p) => s + p, 0n)).toBe(total);
          const sum = weights.reduce((s, w) => s + w, 0n);
          parts.forEach((p, i) => {
            const exactTimesSum = total * weights[i];
            const diff = p * sum - exactTimesSum;
            expect((diff < 0n ? -diff : diff) < sum).toBe(true);
          });
        },
      ),
    );
  });
});

describe('parseNaira', () => {
  it.each([
    ['1234567.5', 123456750n],
    ['1,234,567.50', 123456750n],
    ['₦1,234,567.50', 123456750n],
    ['NGN 1234567.50', 123456750n],
    ['ngn1234567', 123456700n],
    ['0.01', 1n],
    ['  500000 ', 50000000n],
  ])('%s → %s kobo', (text, kobo) => {
    expect(parseNaira(text)).toBe(kobo);
  });

  it.each(['', 'abc', '1.234', '12,34.00', '1,2345', '₦', '1e5'])('rejects %j naming the field', (text) => {
    expect(() => parseNaira(text, 'guarantee')).toThrow(/^guarantee: /);
  });

  it('rejects negatives unless allowed', () => {
    expect(() => parseNaira('-5.00')).toThrow(/must not be negative/);
    expect(parseNaira('-5.00', 'amount', { allowNegative: true })).toBe(-500n);
  });

  it('refuses amounts above ₦10^12 (10^14 kobo), of any length, naming the field', () => {
    expect(parseNaira('1,000,000,000,000.00')).toBe(MAX_AMOUNT_KOBO);
    expect(() => parseNaira('1000000000000.01', 'guarantee')).toThrow(
      /^guarantee: is more than ₦1,000,000,000,000.00, the largest amount crm accepts \(got "1000000000000.01"\)$/,
    );
    expect(() => parseNaira('9'.repeat(40), 'guarantee')).toThrow(/^guarantee: is more than/);
    expect(() => parseNaira(`-${'9'.repeat(15)}`, 'amount', { allowNegative: true })).toThrow(/is more than/);
  });

  it('round-trips with formatNaira', () => {
    fc.assert(
      fc.property(fc.bigInt(0n, MAX_AMOUNT_KOBO), (kobo) => {
        expect(parseNaira(formatNaira(kobo))).toBe(kobo);
        expect(parseNaira(formatNairaPlain(kobo))).toBe(kobo);
      }),
    );
  });
});

describe('formatNaira', () => {
  it('groups thousands and keeps two decimals', () => {
    expect(formatNaira(123456750n)).toBe('₦1,234,567.50');
    expect(formatNaira(5n)).toBe('₦0.05');
    expect(formatNaira(-123450n)).toBe('-₦1,234.50');
    expect(formatNairaPlain(123456750n)).toBe('1234567.50');
  });
});

describe('parsePercentToBasisPoints', () => {
  it('reads percentages as basis points', () => {
    expect(parsePercentToBasisPoints('70')).toBe(7000);
    expect(parsePercentToBasisPoints('12.5%')).toBe(1250);
    expect(parsePercentToBasisPoints('0.05')).toBe(5);
    expect(() => parsePercentToBasisPoints('101')).toThrow(/between 0 and 100/);
    expect(() => parsePercentToBasisPoints('7.125')).toThrow(/share: /);
  });
});
