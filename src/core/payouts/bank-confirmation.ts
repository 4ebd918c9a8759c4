/**
 * The bank's confirmation file of a bulk transfer, read into one outcome per line: which payout
 * (reference), what happened (paid or failed), how much (to the kobo) and when. Lines that cannot
 * say that are problems; lines that say different things about one reference are all problems,
 * since the file then cannot be trusted about that payout.
 */

import type { DateTime } from 'luxon';
import { normalizeHeader, streamCsv } from '../csv.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { RowProblem } from '../imports/errors-file.js';
import { type Kobo, parseNaira } from '../money.js';
import { parseDateTime } from '../time.js';

const PAID = new Set(['paid', 'success', 'successful', 'completed', 'complete', 'processed', 'ok']);
const FAILED = new Set(['failed', 'failure', 'rejected', 'reversed', 'returned', 'error', 'declined']);

const ALIASES: Record<string, string[]> = {
  reference: ['reference', 'ref', 'paymentreference', 'transactionreference', 'customerreference'],
  status: ['status', 'result', 'paymentstatus', 'transferstatus'],
  amount: ['amount', 'amountpaid', 'paidamount', 'transferamount', 'value', 'netamount'],
  paid_at: ['paidat', 'paid', 'paiddate', 'valuedate', 'paymentdate', 'date'],
  note: ['note', 'reason', 'message', 'remarks', 'narration'],
};

export interface BankLine {
  rowNumber: number;
  record: string[];
  reference: string;
  outcome: 'paid' | 'failed';
  amountKobo: Kobo;
  /** When the bank says it paid; absent on a failure, or when the file has no date. */
  paidAt?: DateTime;
  note: string | null;
}

export interface BankProblem {
  rowNumber: number;
  record: string[];
  problem: RowProblem;
}

export interface BankFile {
  headers: string[];
  rows: number;
  lines: BankLine[];
  problems: BankProblem[];
}

export async function readBankConfirmation(file: string): Promise<BankFile> {
  let csv: Awaited<ReturnType<typeof streamCsv>>;
  try {
    csv = await streamCsv(file);
  } catch {
    throw new NotFoundError('file', file, 'file_not_found');
  }
  const records: string[][] = [];
  for await (const r of csv.records) records.push(r);
  if (records.length === 0) throw new ValidationError('file', file, 'is empty (no header row)');
  const headers = records[0].map((h) => h.trim());
  const keys = headers.map(normalizeHeader);
  const col = (field: string) => keys.findIndex((k) => ALIASES[field].includes(k));
  const columns = {
    reference: col('reference'),
    status: col('status'),
    amount: col('amount'),
    paidAt: col('paid_at'),
    note: col('note'),
  };
  if (columns.reference < 0 || columns.status < 0 || columns.amount < 0)
    throw new ValidationError(
      'header',
      headers.join(','),
      'needs the columns reference, status and amount (and paid_at)',
    );
  const lines: BankLine[] = [];
  const problems: BankProblem[] = [];
  for (let i = 1; i < records.length; i++) {
    const record = records[i];
    const rowNumber = i + 1;
    const get = (c: number) => (c >= 0 ? (record[c] ?? '').trim() : '');
    const problem = (column: string, value: string, reason: string) =>
      problems.push({ rowNumber, record, problem: { column, value, reason } });
    const reference = get(columns.reference).toUpperCase();
    const status = get(columns.status).toLowerCase();
    if (!reference) {
      problem('reference', '', 'is empty');
      continue;
    }
    const outcome = PAID.has(status) ? 'paid' : FAILED.has(status) ? 'failed' : undefined;
    if (!outcome) {
      problem('status', status, 'use paid/successful or failed');
      continue;
    }
    let amountKobo: Kobo;
    try {
      amountKobo = parseNaira(get(columns.amount), 'amount');
    } catch {
      problem('amount', get(columns.amount), 'not an amount in naira');
      continue;
    }
    let paidAt: DateTime | undefined;
    const rawPaidAt = get(columns.paidAt);
    if (outcome === 'paid' && rawPaidAt) {
      try {
        paidAt = parseDateTime(rawPaidAt, 'paid_at');
      } catch {
        problem('paid_at', rawPaidAt, 'not a date and time');
        continue;
      }
    }
    lines.push({
      rowNumber,
      record,
      reference,
      outcome,
      amountKobo,
      paidAt,
      note: get(columns.note) || null,
    });
  }
  return { headers, rows: records.length - 1, ...withoutContradictions(lines, problems) };
}

/** What a line says about its payout; two lines saying the same are one confirmation. */
const claim = (l: BankLine) => `${l.outcome} ${l.amountKobo} ${l.paidAt?.toMillis() ?? ''}`;

/**
 * Lines that contradict another line for the same reference (paid and failed, two amounts, two
 * dates) become problems, every one of them; repeated identical lines stay (applied once).
 */
function withoutContradictions(
  lines: BankLine[],
  problems: BankProblem[],
): { lines: BankLine[]; problems: BankProblem[] } {
  const byReference = new Map<string, BankLine[]>();
  for (const l of lines) byReference.set(l.reference, [...(byReference.get(l.reference) ?? []), l]);
  const kept: BankLine[] = [];
  for (const group of byReference.values()) {
    if (new Set(group.map(claim)).size === 1) {
      kept.push(...group);
      continue;
    }
    for (const l of group) {
      const others = group.filter((o) => o !== l).map((o) => o.rowNumber);
      problems.push({
        rowNumber: l.rowNumber,
        record: l.record,
        problem: {
          column: 'reference',
          value: l.reference,
          reason: `contradicts row${others.length > 1 ? 's' : ''} ${others.join(', ')} of this file about the same payout; none applied`,
        },
      });
    }
  }
  kept.sort((a, b) => a.rowNumber - b.rowNumber);
  problems.sort((a, b) => a.rowNumber - b.rowNumber);
  return { lines: kept, problems };
}
