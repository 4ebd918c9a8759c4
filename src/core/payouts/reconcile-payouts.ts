/**
 * `payout reconcile`: reads the bank's confirmation file (reference, status, paid-at) and marks
 * exported payouts paid. Idempotent: a payout already paid stays paid, and failures are reported
 * every time they are read.
 */
import { rmSync } from 'node:fs';
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { normalizeHeader, streamCsv } from '../csv.js';
import { mikroCore } from '../db/mikro-orm.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { ErrorsFileWriter, type RowProblem } from '../imports/errors-file.js';
import { checkErrorsFile } from '../imports/import-files.js';
import { parseDateTime } from '../time.js';
import { Payout } from './payout.entity.js';

const PAID = new Set(['paid', 'success', 'successful', 'completed', 'complete', 'processed', 'ok']);
const FAILED = new Set(['failed', 'failure', 'rejected', 'reversed', 'returned', 'error', 'declined']);

const RECONCILE_ALIASES: Record<string, string[]> = {
  reference: ['reference', 'ref', 'paymentreference', 'transactionreference', 'customerreference'],
  status: ['status', 'result', 'paymentstatus', 'transferstatus'],
  paid_at: ['paidat', 'paid', 'paiddate', 'valuedate', 'paymentdate', 'date'],
  note: ['note', 'reason', 'message', 'remarks', 'narration'],
};

export interface ReconcileInput {
  /** The bank's confirmation CSV. */
  file: string;
  /** Write the rows that could not be applied to this CSV. */
  errorsFile?: string;
}

export interface ReconcileResult {
  rows: number;
  paid: number;
  alreadyPaid: number;
  failed: { reference: string; note: string | null }[];
  rejected: number;
  /** Rows that could not be applied, with the reason (also in the errors file when asked). */
  problems: { row: number; column: string; value: string; reason: string }[];
  errorsFile: string | null;
}

/** Reads the bank's confirmation (reference, status, paid-at) and marks exported payouts paid. */
export async function reconcilePayouts(ctx: ServiceContext, input: ReconcileInput): Promise<ReconcileResult> {
  // Before anything is read or applied: an unwritable --errors is exit 3, not a failure mid-way.
  checkErrorsFile(input.errorsFile);
  let csv: Awaited<ReturnType<typeof streamCsv>>;
  try {
    csv = await streamCsv(input.file);
  } catch {
    throw new NotFoundError('file', input.file, 'file_not_found');
  }
  const records: string[][] = [];
  for await (const r of csv.records) records.push(r);
  if (records.length === 0) throw new ValidationError('file', input.file, 'is empty (no header row)');
  const headers = records[0].map((h) => h.trim());
  const keys = headers.map(normalizeHeader);
  const col = (field: string) => keys.findIndex((k) => RECONCILE_ALIASES[field].includes(k));
  const columns = {
    reference: col('reference'),
    status: col('status'),
    paidAt: col('paid_at'),
    note: col('note'),
  };
  if (columns.reference < 0 || columns.status < 0)
    throw new ValidationError(
      'header',
      headers.join(','),
      'needs the columns reference and status (and paid_at)',
    );
  const now = ctx.clock.now();
  const errors = input.errorsFile ? new ErrorsFileWriter(input.errorsFile, headers) : undefined;
  const result: ReconcileResult = {
    rows: records.length - 1,
    paid: 0,
    alreadyPaid: 0,
    failed: [],
    rejected: 0,
    problems: [],
    errorsFile: null,
  };
  const problems: { rowNumber: number; problem: RowProblem; record: string[] }[] = [];
  const cell = (record: string[], c: number) => (c >= 0 ? (record[c] ?? '').trim() : '');
  try {
    await ctx.em.transactional(async (em) => {
      // Every payout the file names, locked (FOR UPDATE) in one query; rows then apply in file
      // order to these entities, so a reference named twice sees the first row's change.
      const references = [
        ...new Set(records.slice(1).map((r) => cell(r, columns.reference).toUpperCase())),
      ].filter(Boolean);
      const payouts = new Map(
        (references.length === 0
          ? []
          : await em.find(
              Payout,
              { reference: { $in: references } },
              // In reference order: concurrent reconciles lock shared payouts in the same order.
              { lockMode: mikroCore.LockMode.PESSIMISTIC_WRITE, orderBy: { reference: 'asc' } },
            )
        ).map((p) => [p.reference, p]),
      );
      for (let i = 1; i < records.length; i++) {
        const record = records[i];
        const rowNumber = i + 1;
        const get = (c: number) => cell(record, c);
        const reference = get(columns.reference).toUpperCase();
        const status = get(columns.status).toLowerCase();
        const note = get(columns.note) || null;
        const reject = (problem: RowProblem) => problems.push({ rowNumber, problem, record });
        const p = reference ? payouts.get(reference) : undefined;
        if (!p) {
          reject({ column: 'reference', value: reference, reason: 'no payout has this reference' });
          continue;
        }
        if (PAID.has(status)) {
          let paidAt = now;
          const rawPaidAt = get(columns.paidAt);
          if (rawPaidAt) {
            try {
              paidAt = parseDateTime(rawPaidAt, 'paid_at');
            } catch {
              reject({ column: 'paid_at', value: rawPaidAt, reason: 'not a date and time' });
              continue;
            }
          }
          if (p.status === 'paid') {
            result.alreadyPaid++;
            continue;
          }
          if (p.status !== 'exported') {
            reject({ column: 'reference', value: reference, reason: `payout is ${p.status}, not exported` });
            continue;
          }
          p.status = 'paid';
          p.paidAt = paidAt.toJSDate();
          p.bankStatus = 'paid';
          p.bankNote = note;
          await recordAudit(em, ctx.actor, 'payout', p.id, {
            action: 'paid',
            reference,
            paidAt: paidAt.toISO(),
          });
          result.paid++;
        } else if (FAILED.has(status)) {
          if (p.status === 'paid') {
            reject({
              column: 'status',
              value: status,
              reason: 'payout was already marked paid; check with the bank',
            });
            continue;
          }
          if (p.status !== 'exported') {
            reject({ column: 'reference', value: reference, reason: `payout is ${p.status}, not exported` });
            continue;
          }
          p.bankStatus = 'failed';
          p.bankNote = note;
          await recordAudit(em, ctx.actor, 'payout', p.id, { action: 'bank_failed', reference, note });
          result.failed.push({ reference, note });
        } else {
          reject({ column: 'status', value: status, reason: 'use paid/successful or failed' });
        }
      }
      await em.flush();
    });
    for (const p of problems) await errors?.write(p.rowNumber, [p.problem], p.record);
  } finally {
    await errors?.close();
    if (errors && errors.count === 0) rmSync(errors.path, { force: true });
  }
  result.rejected = problems.length;
  result.errorsFile = errors && problems.length > 0 ? errors.path : null;
  result.problems = problems.map((p) => ({ row: p.rowNumber, ...p.problem }));
  return result;
}
