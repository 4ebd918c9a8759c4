import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { NOT_UTF8, NUL_BYTE } from '../../src/core/csv.js';
import { TOO_LARGE } from '../../src/core/money.js';
import {
  mapTransactionColumns,
  occurredAtBounds,
  parseAmountKobo,
  parseOccurredAt,
  validateTransactionRecord,
} from '../../src/core/transactions/transaction-csv.parser.js';

describe('transaction CSV columns', () => {
  it('maps the documented header and common spellings, and names a missing column', () => {
    const { columns, unknown } = mapTransactionColumns([
      'Hospital Code',
      'Ref',
      'Occurred At',
      'Amount',
      'Type',
      'Note',
    ]);
    expect(columns).toEqual({ hospital: 0, reference: 1, occurred_at: 2, amount: 3, kind: 4 });
    expect(unknown).toEqual(['Note']);
    expect(() => mapTransactionColumns(['hospital', 'reference', 'amount', 'kind'])).toThrow(
      /missing column "occurred_at"/,
    );
  });
});

describe('occurred_at', () => {
  it('keeps Lagos-local times without an offset and passes offsets through', () => {
    expect(parseOccurredAt('2026-10-31 23:30')).toBe('2026-10-31 23:30:00');
    expect(parseOccurredAt('2026-10-31T23:30:05.123+01:00')).toBe('2026-10-31 23:30:05.123+01:00');
    expect(parseOccurredAt('2026-10-31T22:30:00Z')).toBe('2026-10-31 22:30:00+00:00');
    expect(parseOccurredAt('31/10/2026 08:05')).toBe('2026-10-31 08:05:00');
    expect(parseOccurredAt('2026-10-31')).toBe('2026-10-31 00:00:00');
  });

  it('rejects impossible dates and times', () => {
    for (const bad of ['2026-02-29 10:00', '2026-10-31 24:00', '2026-10-31 10:60', 'yesterday', ''])
      expect(parseOccurredAt(bad), bad).toBeUndefined();
    expect(parseOccurredAt('2028-02-29 10:00')).toBe('2028-02-29 10:00:00');
  });
});

describe('amount', () => {
  it('reads naira into exact kobo', () => {
    expect(parseAmountKobo('125000.50')).toBe(12_500_050n);
    expect(parseAmountKobo('1,234,567.5')).toBe(123_456_750n);
    expect(parseAmountKobo('₦0.01')).toBe(1n);
    expect(parseAmountKobo('NGN 10')).toBe(1000n);
    expect(parseAmountKobo('1.005')).toBeUndefined();
    expect(parseAmountKobo('-5')).toBeUndefined();
  });
});

describe('validateTransactionRecord', () => {
  const columns = { hospital: 0, reference: 1, occurred_at: 2, amount: 3, kind: 4 };
  const bounds = occurredAtBounds(DateTime.fromISO('2026-11-03T09:00:00+01:00'));

  it('normalises a good row', () => {
    expect(
      validateTransactionRecord(['lag-001', ' R1 ', '2026-10-01 10:00', '100', 'Refund'], 2, columns, bounds),
    ).toEqual({
      ok: true,
      row: {
        rowNumber: 2,
        hospitalCode: 'LAG-001',
        reference: 'R1',
        occurredAt: '2026-10-01 10:00:00',
        amountKobo: 10_000n,
        kind: 'refund',
      },
    });
  });

  it('names every bad column with its value', () => {
    const r = validateTransactionRecord(['', '', 'soon', '-3', 'gift'], 7, columns, bounds);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.column)).toEqual([
      'hospital',
      'reference',
      'occurred_at',
      'amount',
      'kind',
    ]);
    expect(r.problems[3].reason).toMatch(/must not be negative/);
    const zero = validateTransactionRecord(
      ['LAG-001', 'R', '2026-10-01', '0.00', 'payment'],
      3,
      columns,
      bounds,
    );
    expect(zero.ok ? [] : zero.problems.map((p) => p.reason)).toEqual(['must be greater than zero']);
  });

  it('rejects a reference that held bytes that are not UTF-8', () => {
    const r = validateTransactionRecord(
      ['LAG-001', 'CAF\uFFFD-1', '2026-10-01', '100', 'payment'],
      2,
      columns,
      bounds,
    );
    expect(r.ok ? [] : r.problems.map((p) => [p.column, p.value, p.reason])).toEqual([
      ['reference', 'CAF\uFFFD-1', NOT_UTF8],
    ]);
  });

  it("rejects a NUL byte in any column as the row's problem", () => {
    const r = validateTransactionRecord(
      ['LAG-001', 'R\u00002', '2026-10-01', '100', 'pay\u0000'],
      2,
      columns,
      bounds,
    );
    expect(r.ok ? [] : r.problems.map((p) => [p.column, p.reason])).toEqual([
      ['reference', NUL_BYTE],
      ['kind', NUL_BYTE],
    ]);
  });

  it('rejects amounts above ₦10^12, however many digits', () => {
    const reasons = (amount: string) => {
      const r = validateTransactionRecord(
        ['LAG-001', 'R', '2026-10-01', amount, 'payment'],
        2,
        columns,
        bounds,
      );
      return r.ok ? [] : r.problems.map((p) => p.reason);
    };
    expect(reasons('1000000000000')).toEqual([]);
    expect(reasons('1000000000000.01')).toEqual([TOO_LARGE]);
    expect(reasons('1000000000000000')).toEqual([TOO_LARGE]);
    expect(reasons('123456789012345678901')).toEqual([TOO_LARGE]);
  });

  it('accepts times from 2000-01-01 (Lagos) to one day after now, whatever the offset', () => {
    const ok = (at: string) =>
      validateTransactionRecord(['LAG-001', 'R', at, '100', 'payment'], 2, columns, bounds).ok;
    expect(ok('2000-01-01 00:00')).toBe(true);
    expect(ok('1999-12-31 23:59')).toBe(false);
    expect(ok('1999-12-31T23:30:00Z')).toBe(true); // 00:30 in Lagos
    expect(ok('1900-01-01')).toBe(false);
    expect(ok('2026-11-04 09:00')).toBe(true); // now + 1 day exactly
    expect(ok('2026-11-04 09:01')).toBe(false);
    expect(ok('2026-11-04T08:30:00Z')).toBe(false); // 09:30 in Lagos
    expect(ok('2026-11-03T20:01:00-12:00')).toBe(false); // 2026-11-04 09:01 in Lagos
    expect(ok('2099-10-01 10:00')).toBe(false);
    const r = validateTransactionRecord(['LAG-001', 'R', '2062-10-01', '100', 'payment'], 2, columns, bounds);
    expect(r.ok ? [] : r.problems.map((p) => [p.column, p.value, p.reason])).toEqual([
      ['occurred_at', '2062-10-01', 'is in the future (after 2026-11-04 09:00, one day from now)'],
    ]);
  });
});
