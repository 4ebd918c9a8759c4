import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  activeDaysInPeriod,
  calculatePayout,
  type PayoutInput,
  TAX_BASIS_POINTS,
} from '../../src/core/payouts/payout.calculator.js';
import { parsePeriod } from '../../src/core/time.js';

const base: PayoutInput = {
  grossRevenueKobo: 0n,
  shareBasisPoints: 7000,
  guaranteeKobo: 0n,
  activeDays: 30,
  periodDays: 30,
  taxBasisPoints: TAX_BASIS_POINTS.exempt,
  periodLastDay: '2026-11-30',
  paymentTermsDays: 30,
};

const inputs = fc
  .record({
    grossRevenueKobo: fc.bigInt({ min: -(10n ** 13n), max: 10n ** 13n }),
    shareBasisPoints: fc.integer({ min: 0, max: 10_000 }),
    guaranteeKobo: fc.bigInt({ min: 0n, max: 10n ** 12n }),
    periodDays: fc.integer({ min: 1, max: 92 }),
    activeFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    taxBasisPoints: fc.integer({ min: 0, max: 10_000 }),
    paymentTermsDays: fc.integer({ min: 0, max: 120 }),
  })
  .map(
    ({ activeFraction, ...rest }): PayoutInput => ({
      ...rest,
      activeDays: Math.floor(activeFraction * rest.periodDays),
      periodLastDay: '2026-12-31',
    }),
  );

describe('calculatePayout properties', () => {
  it('owner share + platform share = gross exactly', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const r = calculatePayout(input);
        expect(r.ownerShareKobo + r.platformShareKobo).toBe(input.grossRevenueKobo);
        expect(r.grossRevenueKobo).toBe(input.grossRevenueKobo);
      }),
    );
  });

  it('payout ≥ prorated guarantee and ≥ owner share, and equals one of them', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const r = calculatePayout(input);
        expect(r.payoutKobo >= r.guaranteeKobo).toBe(true);
        expect(r.payoutKobo >= r.ownerShareKobo).toBe(true);
        expect(r.payoutKobo === r.guaranteeKobo || r.payoutKobo === r.ownerShareKobo).toBe(true);
      }),
    );
  });

  it('payout − tax = net, and 0 ≤ tax ≤ payout', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const r = calculatePayout(input);
        expect(r.payoutKobo - r.taxKobo).toBe(r.netKobo);
        expect(r.taxKobo >= 0n && r.taxKobo <= r.payoutKobo).toBe(true);
      }),
    );
  });

  it('top-up = payout − owner share and is never negative', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const r = calculatePayout(input);
        expect(r.topUpKobo).toBe(r.payoutKobo - r.ownerShareKobo);
        expect(r.topUpKobo >= 0n).toBe(true);
      }),
    );
  });

  it('proration of a full period equals the guarantee; of zero days, zero', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const full = calculatePayout({ ...input, activeDays: input.periodDays });
        expect(full.guaranteeKobo).toBe(input.guaranteeKobo);
        const none = calculatePayout({ ...input, activeDays: 0 });
        expect(none.guaranteeKobo).toBe(0n);
      }),
    );
  });

  it('a negative gross gives a zero owner share and leaves the loss with the platform', () => {
    fc.assert(
      fc.property(inputs, fc.bigInt({ min: -(10n ** 13n), max: -1n }), (input, gross) => {
        const r = calculatePayout({ ...input, grossRevenueKobo: gross });
        expect(r.ownerShareKobo).toBe(0n);
        expect(r.platformShareKobo).toBe(gross);
        expect(r.payoutKobo).toBe(r.guaranteeKobo);
      }),
    );
  });
});

describe('calculatePayout worked examples', () => {
  it('mid-month start: contract from 2026-10-16 is active 16 of 31 days', () => {
    const period = parsePeriod('2026-10');
    // 16 Oct .. 31 Oct inclusive = 31 − 16 + 1 = 16 days; October has 31.
    const activeDays = activeDaysInPeriod('2026-10-16', null, period.firstDay, period.lastDay);
    expect(activeDays).toBe(16);
    expect(period.days).toBe(31);
    const r = calculatePayout({
      grossRevenueKobo: 20_000_000n, // ₦200,000.00
      shareBasisPoints: 7000,
      guaranteeKobo: 50_000_000n, // ₦500,000.00 for a full month
      activeDays,
      periodDays: period.days,
      taxBasisPoints: TAX_BASIS_POINTS.individual,
      periodLastDay: period.lastDay,
      paymentTermsDays: 30,
    });
    // owner share = 20,000,000 × 70% = 14,000,000; platform = 6,000,000
    expect(r.ownerShareKobo).toBe(14_000_000n);
    expect(r.platformShareKobo).toBe(6_000_000n);
    // guarantee = 50,000,000 × 16 / 31 = 800,000,000 / 31 = 25,806,451 r 19 (19/31 > ½) → 25,806,452
    expect(r.guaranteeKobo).toBe(25_806_452n);
    // payout = max(14,000,000, 25,806,452) = 25,806,452; top-up = 11,806,452
    expect(r.payoutKobo).toBe(25_806_452n);
    expect(r.topUpKobo).toBe(11_806_452n);
    // tax 5% = 1,290,322.6 → 1,290,323; net = 25,806,452 − 1,290,323 = 24,516,129
    expect(r.taxKobo).toBe(1_290_323n);
    expect(r.netKobo).toBe(24_516_129n);
    // 2026-10-31 + 30 days = 2026-11-30
    expect(r.dueDate).toBe('2026-11-30');
  });

  it('contract ending mid-quarter: ends 2026-08-15, active 46 of 92 days in 2026-Q3', () => {
    const period = parsePeriod('2026-Q3');
    // Q3 = Jul (31) + Aug (31) + Sep (30) = 92 days; active 1 Jul .. 15 Aug = 31 + 15 = 46 days.
    const activeDays = activeDaysInPeriod('2025-01-01', '2026-08-15', period.firstDay, period.lastDay);
    expect(period.days).toBe(92);
    expect(activeDays).toBe(46);
    const r = calculatePayout({
      grossRevenueKobo: 180_000_000n, // ₦1,800,000.00
      shareBasisPoints: 7000,
      guaranteeKobo: 300_000_000n, // ₦3,000,000.00 per full quarter
      activeDays,
      periodDays: period.days,
      taxBasisPoints: TAX_BASIS_POINTS.company,
      periodLastDay: period.lastDay,
      paymentTermsDays: 30,
    });
    // owner share = 180,000,000 × 70% = 126,000,000; platform = 54,000,000
    expect(r.ownerShareKobo).toBe(126_000_000n);
    expect(r.platformShareKobo).toBe(54_000_000n);
    // guarantee = 300,000,000 × 46 / 92 = 150,000,000 exactly
    expect(r.guaranteeKobo).toBe(150_000_000n);
    // payout = 150,000,000; top-up = 150,000,000 − 126,000,000 = 24,000,000
    expect(r.payoutKobo).toBe(150_000_000n);
    expect(r.topUpKobo).toBe(24_000_000n);
    // tax 10% = 15,000,000; net = 135,000,000
    expect(r.taxKobo).toBe(15_000_000n);
    expect(r.netKobo).toBe(135_000_000n);
    // 2026-09-30 + 30 days = 2026-10-30
    expect(r.dueDate).toBe('2026-10-30');
  });

  it('refund-heavy month: negative gross gives a zero share and the guarantee still applies', () => {
    const r = calculatePayout({
      ...base,
      grossRevenueKobo: -1_234_567n, // refunds exceed payments by ₦12,345.67
      guaranteeKobo: 10_000_000n, // ₦100,000.00, full month (30 of 30 days)
      taxBasisPoints: TAX_BASIS_POINTS.individual,
    });
    // owner share = 0 (not 70% of a loss); platform share = −1,234,567 − 0 = −1,234,567
    expect(r.ownerShareKobo).toBe(0n);
    expect(r.platformShareKobo).toBe(-1_234_567n);
    // guarantee = 10,000,000 × 30 / 30 = 10,000,000 = payout = top-up
    expect(r.guaranteeKobo).toBe(10_000_000n);
    expect(r.payoutKobo).toBe(10_000_000n);
    expect(r.topUpKobo).toBe(10_000_000n);
    // tax 5% = 500,000; net = 9,500,000
    expect(r.taxKobo).toBe(500_000n);
    expect(r.netKobo).toBe(9_500_000n);
  });

  it('refund-heavy month without a guarantee pays nothing', () => {
    const r = calculatePayout({ ...base, grossRevenueKobo: -500n, taxBasisPoints: TAX_BASIS_POINTS.company });
    expect(r).toMatchObject({ ownerShareKobo: 0n, platformShareKobo: -500n, payoutKobo: 0n, netKobo: 0n });
  });

  it('owner share on exactly half a kobo rounds to even, both directions', () => {
    // 5 × 50% = 2.5 → 2 (2 is even: rounds down); platform = 5 − 2 = 3
    const down = calculatePayout({ ...base, grossRevenueKobo: 5n, shareBasisPoints: 5000 });
    expect(down.ownerShareKobo).toBe(2n);
    expect(down.platformShareKobo).toBe(3n);
    // 15 × 50% = 7.5 → 8 (8 is even: rounds up); platform = 15 − 8 = 7
    const up = calculatePayout({ ...base, grossRevenueKobo: 15n, shareBasisPoints: 5000 });
    expect(up.ownerShareKobo).toBe(8n);
    expect(up.platformShareKobo).toBe(7n);
  });

  it('prorated guarantee and tax on exactly half a kobo round to even', () => {
    // guarantee 5 × 1 / 2 = 2.5 → 2; guarantee 3 × 1 / 2 = 1.5 → 2
    expect(calculatePayout({ ...base, guaranteeKobo: 5n, activeDays: 1, periodDays: 2 }).guaranteeKobo).toBe(
      2n,
    );
    expect(calculatePayout({ ...base, guaranteeKobo: 3n, activeDays: 1, periodDays: 2 }).guaranteeKobo).toBe(
      2n,
    );
    // payout 5 (all guarantee) × 10% = 0.5 → 0; payout 15 × 10% = 1.5 → 2
    const low = calculatePayout({ ...base, guaranteeKobo: 5n, taxBasisPoints: 1000 });
    expect([low.taxKobo, low.netKobo]).toEqual([0n, 5n]);
    const high = calculatePayout({ ...base, guaranteeKobo: 15n, taxBasisPoints: 1000 });
    expect([high.taxKobo, high.netKobo]).toEqual([2n, 13n]);
  });

  it('leap-year February 2028 has 29 days', () => {
    const period = parsePeriod('2028-02');
    expect(period.days).toBe(29);
    expect(period.lastDay).toBe('2028-02-29');
    expect(activeDaysInPeriod('2027-06-01', null, period.firstDay, period.lastDay)).toBe(29);
    // 15 Feb .. 29 Feb inclusive = 29 − 15 + 1 = 15 days
    const activeDays = activeDaysInPeriod('2028-02-15', null, period.firstDay, period.lastDay);
    expect(activeDays).toBe(15);
    const r = calculatePayout({
      grossRevenueKobo: 10_000_000n,
      shareBasisPoints: 7000,
      guaranteeKobo: 29_000_000n,
      activeDays,
      periodDays: period.days,
      taxBasisPoints: TAX_BASIS_POINTS.exempt,
      periodLastDay: period.lastDay,
      paymentTermsDays: 30,
    });
    // owner share = 7,000,000; guarantee = 29,000,000 × 15 / 29 = 15,000,000 exactly
    expect(r.ownerShareKobo).toBe(7_000_000n);
    expect(r.guaranteeKobo).toBe(15_000_000n);
    // payout = 15,000,000; top-up = 8,000,000; exempt: tax 0, net = payout
    expect(r.topUpKobo).toBe(8_000_000n);
    expect(r.taxKobo).toBe(0n);
    expect(r.netKobo).toBe(15_000_000n);
    // 2028-02-29 + 30 days = 2028-03-30 (29 Feb + 1 = 1 Mar, + 29 more = 30 Mar)
    expect(r.dueDate).toBe('2028-03-30');
  });

  it('due date crosses into the next year', () => {
    // 2026-12-31 + 30 days = 2027-01-30
    expect(calculatePayout({ ...base, periodLastDay: parsePeriod('2026-12').lastDay }).dueDate).toBe(
      '2027-01-30',
    );
    // 2026-Q4 ends 2026-12-31; + 45 days = 31 Jan (+31) + 14 = 2027-02-14
    const q4 = parsePeriod('2026-Q4');
    expect(
      calculatePayout({
        ...base,
        activeDays: q4.days,
        periodDays: q4.days,
        periodLastDay: q4.lastDay,
        paymentTermsDays: 45,
      }).dueDate,
    ).toBe('2027-02-14');
    // Net 0: due on the last day itself
    expect(calculatePayout({ ...base, paymentTermsDays: 0 }).dueDate).toBe('2026-11-30');
  });
});

describe('calculatePayout input checks', () => {
  it.each<[string, Partial<PayoutInput>]>([
    ['activeDays > periodDays', { activeDays: 31, periodDays: 30 }],
    ['negative activeDays', { activeDays: -1 }],
    ['fractional activeDays', { activeDays: 1.5 }],
    ['zero periodDays', { activeDays: 0, periodDays: 0 }],
    ['negative guarantee', { guaranteeKobo: -1n }],
    ['share above 10000 bps', { shareBasisPoints: 10_001 }],
    ['negative share', { shareBasisPoints: -1 }],
    ['tax above 10000 bps', { taxBasisPoints: 10_001 }],
    ['negative tax', { taxBasisPoints: -1 }],
    ['negative terms', { paymentTermsDays: -1 }],
    ['not a date', { periodLastDay: '2026-02-30' }],
    ['not ISO', { periodLastDay: '30/11/2026' }],
  ])('throws RangeError on %s', (_label, patch) => {
    expect(() => calculatePayout({ ...base, ...patch })).toThrow(RangeError);
  });

  it('accepts the bounds 0 and 10000 bps', () => {
    const all = calculatePayout({
      ...base,
      grossRevenueKobo: 999n,
      shareBasisPoints: 10_000,
      taxBasisPoints: 10_000,
    });
    expect([all.ownerShareKobo, all.platformShareKobo, all.taxKobo, all.netKobo]).toEqual([
      999n,
      0n,
      999n,
      0n,
    ]);
    const none = calculatePayout({ ...base, grossRevenueKobo: 999n, shareBasisPoints: 0 });
    expect([none.ownerShareKobo, none.platformShareKobo]).toEqual([0n, 999n]);
  });
});

describe('activeDaysInPeriod', () => {
  const oct = parsePeriod('2026-10');

  it('counts the whole period for a contract spanning it', () => {
    expect(activeDaysInPeriod('2026-01-01', '2027-12-31', oct.firstDay, oct.lastDay)).toBe(31);
    expect(activeDaysInPeriod('2026-10-01', '2026-10-31', oct.firstDay, oct.lastDay)).toBe(31);
  });

  it('is 0 when the contract and period do not overlap', () => {
    expect(activeDaysInPeriod('2026-11-01', null, oct.firstDay, oct.lastDay)).toBe(0);
    expect(activeDaysInPeriod('2026-01-01', '2026-09-30', oct.firstDay, oct.lastDay)).toBe(0);
  });

  it('counts single boundary days inclusively', () => {
    expect(activeDaysInPeriod('2026-10-31', null, oct.firstDay, oct.lastDay)).toBe(1);
    expect(activeDaysInPeriod('2026-01-01', '2026-10-01', oct.firstDay, oct.lastDay)).toBe(1);
    expect(activeDaysInPeriod('2026-10-10', '2026-10-10', oct.firstDay, oct.lastDay)).toBe(1);
  });

  it('never exceeds the period length and matches a day-by-day count', () => {
    const day = fc.integer({ min: -40, max: 70 });
    fc.assert(
      fc.property(day, fc.option(fc.nat(120)), (startOffset, length) => {
        const first = parsePeriod('2026-10').start;
        const start = first.plus({ days: startOffset });
        const end = length === null ? null : start.plus({ days: length });
        const days = activeDaysInPeriod(
          start.toISODate()!,
          end?.toISODate() ?? null,
          oct.firstDay,
          oct.lastDay,
        );
        let expected = 0;
        for (let d = first; d < oct.end; d = d.plus({ days: 1 })) {
          if (d >= start && (end === null || d <= end)) expected++;
        }
        expect(days).toBe(expected);
        expect(days).toBeLessThanOrEqual(oct.days);
      }),
    );
  });

  it('throws RangeError on bad dates or an end before the start', () => {
    expect(() => activeDaysInPeriod('2026-13-01', null, oct.firstDay, oct.lastDay)).toThrow(RangeError);
    expect(() => activeDaysInPeriod('2026-10-10', '2026-10-09', oct.firstDay, oct.lastDay)).toThrow(
      RangeError,
    );
    expect(() => activeDaysInPeriod('2026-10-10', null, oct.lastDay, oct.firstDay)).toThrow(RangeError);
  });
});

describe('calendar-day arithmetic against luxon', () => {
  // The calculator counts whole days as integers; luxon in Africa/Lagos is the reference.
  const day = fc
    .integer({ min: 0, max: 365 * 200 })
    .map((n) => DateTime.fromISO('1950-01-01', { zone: 'Africa/Lagos' }).plus({ days: n }).toISODate()!);
  it('active days and due dates agree with luxon for any dates', () => {
    fc.assert(
      fc.property(
        day,
        fc.option(day),
        day,
        day,
        fc.integer({ min: 0, max: 400 }),
        (start, end, a, b, terms) => {
          const [first, last] = a <= b ? [a, b] : [b, a];
          if (end !== null && end < start) return;
          const lagos = (d: string) => DateTime.fromISO(d, { zone: 'Africa/Lagos' });
          const from = DateTime.max(lagos(start), lagos(first));
          const to = end === null ? lagos(last) : DateTime.min(lagos(end), lagos(last));
          const expected = to < from ? 0 : Math.round(to.diff(from, 'days').days) + 1;
          expect(activeDaysInPeriod(start, end, first, last)).toBe(expected);
          const periodDays = Math.round(lagos(last).diff(lagos(first), 'days').days) + 1;
          const result = calculatePayout({
            grossRevenueKobo: 0n,
            shareBasisPoints: 0,
            guaranteeKobo: 0n,
            activeDays: 0,
            periodDays,
            taxBasisPoints: 0,
            paymentTermsDays: terms,
            periodLastDay: last,
          });
          expect(result.dueDate).toBe(lagos(last).plus({ days: terms }).toISODate());
        },
      ),
      { numRuns: 500 },
    );
    expect(() => activeDaysInPeriod('2026-02-30', null, '2026-02-01', '2026-02-28')).toThrow(RangeError);
    expect(activeDaysInPeriod('2024-02-29', null, '2024-02-01', '2024-02-29')).toBe(1);
  });
});
