import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  formatAppointmentTime,
  LAGOS,
  lagosDate,
  parseCalendarDate,
  parseDateTime,
  parseDuration,
  parsePeriod,
  toIsoLagos,
} from '../../src/core/time.js';

describe('parseCalendarDate', () => {
  it.each([
    ['2026-03-14', '2026-03-14'],
    ['14/03/2026', '2026-03-14'],
    ['4/3/2026', '2026-03-04'],
    ['14-03-2026', '2026-03-14'],
    ['14.03.2026', '2026-03-14'],
    ['29/02/2028', '2028-02-29'],
  ])('%s → %s (day first)', (input, expected) => {
    expect(parseCalendarDate(input)).toBe(expected);
  });

  it.each(['31/02/2026', '29/02/2026', '2026-13-01', '13/13/2026', '03/14', 'yesterday', ''])(
    'rejects %j',
    (input) => {
      expect(parseCalendarDate(input)).toBeUndefined();
    },
  );
});

describe('parseDateTime', () => {
  it('reads input without an offset as Lagos time', () => {
    const dt = parseDateTime('2026-12-01 10:00');
    expect(dt.toUTC().toISO()).toBe('2026-12-01T09:00:00.000Z');
    expect(dt.zoneName).toBe(LAGOS);
  });

  it('keeps an explicit offset', () => {
    expect(parseDateTime('2026-12-01T10:00:00Z').toUTC().hour).toBe(10);
  });

  it('names the field on bad input', () => {
    expect(() => parseDateTime('next tuesday', 'at')).toThrow(/^at: /);
  });
});

describe('Lagos calendar', () => {
  it('23:30 WAT on the last day and 00:30 WAT on the next are in different days', () => {
    const late = DateTime.fromISO('2026-10-31T22:30:00Z');
    const early = DateTime.fromISO('2026-10-31T23:30:00Z');
    expect(lagosDate(late)).toBe('2026-10-31');
    expect(lagosDate(early)).toBe('2026-11-01');
  });

  it('formats appointment times for messages', () => {
    expect(formatAppointmentTime(DateTime.fromISO('2026-12-01T09:00:00Z'))).toBe('Tue 1 Dec, 10:00');
  });
});

describe('parsePeriod', () => {
  it('months and quarters, with Lagos boundaries', () => {
    const oct = parsePeriod('2026-10');
    expect([oct.firstDay, oct.lastDay, oct.days, oct.frequency]).toEqual([
      '2026-10-01',
      '2026-10-31',
      31,
      'monthly',
    ]);
    expect(oct.start.toUTC().toISO()).toBe('2026-09-30T23:00:00.000Z');
    const q3 = parsePeriod('2026-q3');
    expect([q3.label, q3.firstDay, q3.lastDay, q3.days, q3.frequency]).toEqual([
      '2026-Q3',
      '2026-07-01',
      '2026-09-30',
      92,
      'quarterly',
    ]);
    expect(parsePeriod('2028-02').days).toBe(29);
  });

  it.each(['2026-13', '2026-Q5', '2026', 'Oct 2026'])('rejects %j', (p) => {
    expect(() => parsePeriod(p)).toThrow(/^period: /);
  });
});

describe('parseDuration', () => {
  it('reads days, hours and weeks', () => {
    expect(parseDuration('30d').as('days')).toBe(30);
    expect(parseDuration('2w').as('days')).toBe(14);
    expect(() => parseDuration('soon', 'due-within')).toThrow(/^due-within: /);
  });
});

describe('toIsoLagos', () => {
  it('formats any instant exactly as luxon does in Africa/Lagos (fixed UTC+1 since 1919)', () => {
    const viaLuxon = (ms: number) =>
      DateTime.fromMillis(ms).setZone(LAGOS).toISO({ suppressMilliseconds: true });
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1850, 0, 1), max: Date.UTC(2200, 0, 1) }), (ms) => {
        expect(toIsoLagos(new Date(ms))).toBe(viaLuxon(ms));
        expect(toIsoLagos(DateTime.fromMillis(ms))).toBe(viaLuxon(ms));
      }),
      { numRuns: 2000 },
    );
    expect(toIsoLagos(new Date('2026-10-31T23:30:00Z'))).toBe('2026-11-01T00:30:00+01:00');
    expect(toIsoLagos(new Date('2026-10-31T23:30:00.120Z'))).toBe('2026-11-01T00:30:00.120+01:00');
  });
});
