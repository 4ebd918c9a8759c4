/**
 * Business time is Africa/Lagos (WAT, UTC+1, no daylight saving). Input without an offset is
 * Lagos local time; everything is stored as timestamptz. All date arithmetic goes through luxon.
 */
import { DateTime, Duration } from 'luxon';
import { ValidationError } from './errors.js';

export const LAGOS = 'Africa/Lagos';

/** Where "now" comes from: the system clock, or CRM_NOW for rehearsals and tests. */
export interface Clock {
  now(): DateTime;
}

export const systemClock: Clock = { now: () => DateTime.now().setZone(LAGOS) };

export function fixedClock(at: DateTime): Clock {
  const fixed = at.setZone(LAGOS);
  return { now: () => fixed };
}

const LOCAL_FORMATS = ['yyyy-MM-dd HH:mm', 'yyyy-MM-dd HH:mm:ss', "yyyy-MM-dd'T'HH:mm", 'yyyy-MM-dd'];

/** Parses a timestamp; without an offset it is Lagos local time. */
export function parseDateTime(input: string, field = 'time'): DateTime {
  const text = input.trim();
  let dt = DateTime.fromISO(text, { zone: LAGOS, setZone: false });
  if (!dt.isValid) {
    for (const format of LOCAL_FORMATS) {
      dt = DateTime.fromFormat(text, format, { zone: LAGOS });
      if (dt.isValid) break;
    }
  }
  if (!dt.isValid) throw new ValidationError(field, input, 'not a date and time (e.g. 2026-12-01 10:00)');
  return dt.setZone(LAGOS);
}

const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const DAY_FIRST = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;

/**
 * Parses a calendar date: `YYYY-MM-DD`, or day-first `DD/MM/YYYY` (also with `-` or `.`) as
 * written in Nigeria. Returns `YYYY-MM-DD`, or undefined when it is not a real date.
 */
export function parseCalendarDate(input: string): string | undefined {
  const text = input.trim();
  let y: number;
  let m: number;
  let d: number;
  let match = ISO_DATE.exec(text);
  if (match) {
    y = Number(match[1]);
    m = Number(match[2]);
    d = Number(match[3]);
  } else {
    match = DAY_FIRST.exec(text);
    if (!match) return undefined;
    d = Number(match[1]);
    m = Number(match[2]);
    y = Number(match[3]);
  }
  const key = y * 10_000 + m * 100 + d;
  let verdict = calendarDates.get(key);
  if (verdict === undefined) {
    // DateTime.utc validates month lengths and leap years for us.
    const dt = DateTime.utc(y, m, d);
    verdict = dt.isValid ? dt.toISODate()! : null;
    if (calendarDates.size < 100_000) calendarDates.set(key, verdict);
  }
  return verdict ?? undefined;
}

/** Imports see the same birth dates again and again; luxon's validation is the slow part. */
const calendarDates = new Map<number, string | null>();

export function requireCalendarDate(input: string, field = 'date'): string {
  const date = parseCalendarDate(input);
  if (!date) throw new ValidationError(field, input, 'not a date (YYYY-MM-DD or DD/MM/YYYY)');
  return date;
}

/** The Lagos calendar day of an instant, `YYYY-MM-DD`. */
export function lagosDate(dt: DateTime): string {
  return dt.setZone(LAGOS).toISODate()!;
}

/** Start of a Lagos calendar day as an instant. */
export function startOfLagosDay(date: string): DateTime {
  return DateTime.fromISO(date, { zone: LAGOS }).startOf('day');
}

/** How people read appointment times: `Tue 1 Dec, 10:00` (Lagos). */
export function formatAppointmentTime(dt: DateTime): string {
  return dt.setZone(LAGOS).toFormat('ccc d LLL, HH:mm');
}

/** ISO 8601 with offset, in Lagos time, for JSON output. */
export function toIsoLagos(dt: DateTime | Date): string {
  const ms = dt instanceof Date ? dt.getTime() : dt.toMillis();
  // Lagos has been UTC+1 without daylight saving since 1919: shifting by an hour formats it
  // without a time-zone lookup (list and run outputs format thousands of these).
  if (ms >= WAT_SINCE_MS && ms < YEAR_10000_MS) {
    const local = new Date(ms + 3_600_000).toISOString();
    return `${local.endsWith('.000Z') ? local.slice(0, -5) : local.slice(0, -1)}+01:00`;
  }
  const value = dt instanceof Date ? DateTime.fromJSDate(dt) : dt;
  return value.setZone(LAGOS).toISO({ suppressMilliseconds: true })!;
}

/** 1920-01-01T00:00Z: from here on Africa/Lagos is a fixed UTC+1. */
const WAT_SINCE_MS = Date.UTC(1920, 0, 1);
const YEAR_10000_MS = Date.UTC(9999, 11, 31);

/** Parses `30d`, `12h`, `2w`, `90m` into a luxon Duration. */
export function parseDuration(input: string, field = 'duration'): Duration {
  const m = /^\s*(\d+)\s*(m|h|d|w)\s*$/i.exec(input);
  if (!m) throw new ValidationError(field, input, 'not a duration (e.g. 30d, 12h, 2w)');
  const n = Number(m[1]);
  const unit = { m: 'minutes', h: 'hours', d: 'days', w: 'weeks' }[
    m[2].toLowerCase() as 'm' | 'h' | 'd' | 'w'
  ];
  return Duration.fromObject({ [unit]: n });
}

/** A payout period: a Lagos calendar month (`2026-10`) or quarter (`2026-Q3`). */
export interface Period {
  label: string;
  frequency: 'monthly' | 'quarterly';
  /** First day, `YYYY-MM-DD`. */
  firstDay: string;
  /** Last day, inclusive, `YYYY-MM-DD`. */
  lastDay: string;
  /** Instants [start, end) in Lagos time. */
  start: DateTime;
  end: DateTime;
  days: number;
}

export function parsePeriod(input: string, field = 'period'): Period {
  const text = input.trim().toUpperCase();
  let start: DateTime;
  let end: DateTime;
  let frequency: Period['frequency'];
  let m = /^(\d{4})-(\d{2})$/.exec(text);
  if (m) {
    start = DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: 1 }, { zone: LAGOS });
    end = start.plus({ months: 1 });
    frequency = 'monthly';
  } else {
    m = /^(\d{4})-Q([1-4])$/.exec(text);
    if (!m) throw new ValidationError(field, input, 'not a period (YYYY-MM or YYYY-Qn)');
    start = DateTime.fromObject(
      { year: Number(m[1]), month: (Number(m[2]) - 1) * 3 + 1, day: 1 },
      { zone: LAGOS },
    );
    end = start.plus({ months: 3 });
    frequency = 'quarterly';
  }
  if (!start.isValid) throw new ValidationError(field, input, 'not a period (YYYY-MM or YYYY-Qn)');
  return {
    label: text,
    frequency,
    firstDay: start.toISODate()!,
    lastDay: end.minus({ days: 1 }).toISODate()!,
    start,
    end,
    days: Math.round(end.diff(start, 'days').days),
  };
}
