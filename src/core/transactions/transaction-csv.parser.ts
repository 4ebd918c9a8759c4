/**
 * Columns and row validation of the transactions CSV (`crm transaction import`): hospital code,
 * unique reference, occurred-at, amount in naira, kind (`payment` or `refund`). Pure functions:
 * no database, so they are tested on their own and fast enough for millions of rows.
 */
import { DateTime } from 'luxon';
import { hasInvalidUtf8, hasNul, NOT_UTF8, NUL_BYTE, normalizeHeader } from '../csv.js';
import { ValidationError } from '../errors.js';
import type { RowProblem } from '../imports/errors-file.js';
import { MAX_AMOUNT_KOBO, TOO_LARGE } from '../money.js';
import { LAGOS, lagosDate, parseCalendarDate } from '../time.js';

export const TRANSACTION_FIELDS = ['hospital', 'reference', 'occurred_at', 'amount', 'kind'] as const;
export type TransactionField = (typeof TRANSACTION_FIELDS)[number];

const ALIASES: Record<TransactionField, string[]> = {
  hospital: ['hospital', 'hospitalcode', 'hospitalid', 'facility', 'facilitycode'],
  reference: [
    'reference',
    'ref',
    'transactionreference',
    'transactionref',
    'txref',
    'transactionid',
    'txnref',
  ],
  occurred_at: [
    'occurredat',
    'occurred',
    'date',
    'datetime',
    'timestamp',
    'transactiondate',
    'paidat',
    'time',
  ],
  amount: ['amount', 'amountngn', 'amountnaira', 'naira', 'value'],
  kind: ['kind', 'type', 'transactiontype', 'txntype'],
};

export type TransactionColumns = Record<TransactionField, number>;

/** Finds each field's column; a missing one is invalid input (exit 3) naming what was found. */
export function mapTransactionColumns(headers: string[]): { columns: TransactionColumns; unknown: string[] } {
  const keys = headers.map(normalizeHeader);
  const columns = {} as TransactionColumns;
  const used = new Set<number>();
  for (const field of TRANSACTION_FIELDS) {
    const index = keys.findIndex((k, i) => !used.has(i) && ALIASES[field].includes(k));
    if (index < 0)
      throw new ValidationError(
        'header',
        headers.join(','),
        `missing column "${field}" (expected hospital,reference,occurred_at,amount,kind)`,
        'import_missing_column',
      );
    columns[field] = index;
    used.add(index);
  }
  return { columns, unknown: headers.filter((_, i) => !used.has(i)) };
}

export interface TransactionRow {
  rowNumber: number;
  hospitalCode: string;
  reference: string;
  /**
   * The timestamp as PostgreSQL reads it: `YYYY-MM-DD HH:MM:SS[.fff][offset]`. Without an offset
   * it is Lagos time (the import sets the session time zone to Africa/Lagos).
   */
  occurredAt: string;
  amountKobo: bigint;
  kind: 'payment' | 'refund';
}

export type TransactionRowResult = { ok: true; row: TransactionRow } | { ok: false; problems: RowProblem[] };

const TIMESTAMP =
  /^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{4})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const AMOUNT = /^(?:₦|NGN|N)?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/i;

/** Parses an occurred-at value; undefined when it is not a real date and time. */
export function parseOccurredAt(input: string): string | undefined {
  const m = TIMESTAMP.exec(input.trim());
  if (!m) return undefined;
  const date = parseCalendarDate(m[1]);
  if (!date) return undefined;
  const hour = Number(m[2] ?? 0);
  const minute = Number(m[3] ?? 0);
  const second = Number(m[4] ?? 0);
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const pad = (n: number) => String(n).padStart(2, '0');
  const offset = m[6] ? (m[6].toUpperCase() === 'Z' ? '+00:00' : m[6]) : '';
  return `${date} ${pad(hour)}:${pad(minute)}:${pad(second)}${m[5] ?? ''}${offset}`;
}

/** Naira (`125000.50`, `1,250.00`, `₦1,250`) to kobo; negative amounts are not amounts here. */
export function parseAmountKobo(input: string): bigint | undefined {
  const m = AMOUNT.exec(input.trim());
  if (!m) return undefined;
  return BigInt(m[1].replace(/,/g, '')) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'));
}

/** The earliest time a transaction may have occurred: 2000-01-01 00:00, Lagos. */
export const EARLIEST_OCCURRED_AT = '2000-01-01 00:00:00+01:00';

/**
 * When a transaction may have occurred, as of the import's "now": from 2000-01-01 (Lagos) to one
 * day after now (clocks of hospital systems drift, and a file may be written in another time
 * zone). A date outside is a typo (2062 for 2026) or a placeholder (1900-01-01), and would put
 * revenue into a period that is long paid or not yet run.
 */
export interface OccurredAtBounds {
  /** Latest accepted instant, ms since the epoch: now + 1 day. */
  latestMs: number;
  /** Lagos days at or before this one are before `latestMs` whatever the offset written. */
  safeLastDay: string;
}

const EARLIEST_MS = Date.parse('2000-01-01T00:00:00+01:00');
/** Days on or after this one are on or after EARLIEST_MS whatever the offset written (≤ +14:00). */
const SAFE_FIRST_DAY = '2000-01-02';

export function occurredAtBounds(now: DateTime): OccurredAtBounds {
  return { latestMs: now.plus({ days: 1 }).toMillis(), safeLastDay: lagosDate(now.minus({ days: 1 })) };
}

/** Why an occurred-at value (as parseOccurredAt returns it) is out of bounds, or undefined. */
function occurredAtProblem(occurredAt: string, bounds: OccurredAtBounds): string | undefined {
  const day = occurredAt.slice(0, 10);
  // Almost every row: a day well inside the bounds, decided without building a date.
  if (day >= SAFE_FIRST_DAY && day <= bounds.safeLastDay) return undefined;
  const at = DateTime.fromISO(occurredAt.replace(' ', 'T'), { zone: LAGOS }).toMillis();
  if (at < EARLIEST_MS) return 'is before 2000-01-01, the earliest date crm accepts';
  if (at > bounds.latestMs)
    return `is in the future (after ${DateTime.fromMillis(bounds.latestMs, { zone: LAGOS }).toFormat('yyyy-MM-dd HH:mm')}, one day from now)`;
  return undefined;
}

/** Validates one data row; every problem names its column and the value. */
export function validateTransactionRecord(
  record: string[],
  rowNumber: number,
  columns: TransactionColumns,
  bounds: OccurredAtBounds,
): TransactionRowResult {
  const problems: RowProblem[] = [];
  const get = (f: TransactionField) => (record[columns[f]] ?? '').trim();
  // PostgreSQL stores no NUL character in text: such a cell is this row's problem, not the
  // file's (every column, so that none reaches COPY).
  for (const field of TRANSACTION_FIELDS)
    if (hasNul(record[columns[field]] ?? ''))
      problems.push({ column: field, value: record[columns[field]], reason: NUL_BYTE });
  if (problems.length > 0) return { ok: false, problems };
  const hospitalCode = get('hospital').toUpperCase();
  if (!hospitalCode) problems.push({ column: 'hospital', value: '', reason: 'is required' });
  const reference = get('reference');
  if (!reference) problems.push({ column: 'reference', value: '', reason: 'is required' });
  else if (hasInvalidUtf8(reference))
    problems.push({ column: 'reference', value: reference, reason: NOT_UTF8 });
  else if (reference.length > 200)
    problems.push({
      column: 'reference',
      value: reference.slice(0, 40),
      reason: 'longer than 200 characters',
    });
  const rawAt = get('occurred_at');
  const occurredAt = parseOccurredAt(rawAt);
  if (!occurredAt)
    problems.push({
      column: 'occurred_at',
      value: rawAt,
      reason: 'not a date and time (e.g. 2026-10-31 23:30 or 2026-10-31T23:30:00+01:00)',
    });
  else {
    const outOfBounds = occurredAtProblem(occurredAt, bounds);
    if (outOfBounds) problems.push({ column: 'occurred_at', value: rawAt, reason: outOfBounds });
  }
  const rawAmount = get('amount');
  const amountKobo = parseAmountKobo(rawAmount);
  if (amountKobo === undefined)
    problems.push({
      column: 'amount',
      value: rawAmount,
      reason: rawAmount.includes('-')
        ? 'must not be negative (a refund is kind=refund with a positive amount)'
        : 'not an amount in naira (e.g. 125000.50)',
    });
  else if (amountKobo === 0n)
    problems.push({ column: 'amount', value: rawAmount, reason: 'must be greater than zero' });
  else if (amountKobo > MAX_AMOUNT_KOBO)
    problems.push({ column: 'amount', value: rawAmount, reason: TOO_LARGE });
  const rawKind = get('kind').toLowerCase();
  const kind = rawKind === '' ? undefined : rawKind;
  if (kind !== 'payment' && kind !== 'refund')
    problems.push({ column: 'kind', value: get('kind'), reason: 'use payment or refund' });
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    row: {
      rowNumber,
      hospitalCode,
      reference,
      occurredAt: occurredAt!,
      amountKobo: amountKobo!,
      kind: kind as 'payment' | 'refund',
    },
  };
}
