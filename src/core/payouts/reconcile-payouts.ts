/**
 * `payout reconcile`: applies the bank's confirmation file to exported payouts — `exported → paid`
 * when the bank paid exactly the payout's net amount on a day between the export and now,
 * `exported → failed` when it refused the transfer (then only `crm payout retry` exports it again).
 * A line that does not match (amount, impossible date, unknown reference, a payout in another
 * state, lines contradicting each other) changes nothing and is reported with its reason; the
 * command then exits 6. Idempotent: a payout already paid by the same confirmation stays paid, and
 * failures are reported every time they are read.
 */
import { rmSync } from 'node:fs';
import { DateTime } from 'luxon';
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { underDatabaseRules } from '../db/driver-errors.js';
import { mikroCore } from '../db/mikro-orm.js';
import { ErrorsFileWriter, type RowProblem } from '../imports/errors-file.js';
import { checkErrorsFile } from '../imports/import-files.js';
import { formatNaira } from '../money.js';
import { lagosDate, toIsoLagos } from '../time.js';
import { type BankLine, type BankProblem, readBankConfirmation } from './bank-confirmation.js';
import { Payout } from './payout.entity.js';

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

/** Why a line cannot be applied to its payout, or undefined when it can. */
function mismatch(line: BankLine, p: Payout, paidAt: DateTime, now: DateTime): RowProblem | undefined {
  if (BigInt(line.amountKobo) !== BigInt(p.netKobo))
    return {
      column: 'amount',
      value: formatNaira(line.amountKobo),
      reason: `does not match the payout's net amount ${formatNaira(BigInt(p.netKobo))}`,
    };
  if (line.outcome === 'paid') {
    const raw = line.paidAt ? toIsoLagos(paidAt) : '';
    if (p.exportedAt && lagosDate(paidAt) < lagosDate(DateTime.fromJSDate(p.exportedAt)))
      return {
        column: 'paid_at',
        value: raw,
        reason: `is before the payout was exported (${toIsoLagos(p.exportedAt)})`,
      };
    if (paidAt > now) return { column: 'paid_at', value: raw, reason: 'is in the future' };
  }
  return undefined;
}

/** Reads the bank's confirmation and applies each matching line to its exported payout. */
export async function reconcilePayouts(ctx: ServiceContext, input: ReconcileInput): Promise<ReconcileResult> {
  // Before anything is read or applied: an unwritable --errors is exit 3, not a failure mid-way.
  checkErrorsFile(input.errorsFile);
  const bank = await readBankConfirmation(input.file);
  const now = ctx.clock.now();
  const problems: BankProblem[] = [...bank.problems];
  const result: ReconcileResult = {
    rows: bank.rows,
    paid: 0,
    alreadyPaid: 0,
    failed: [],
    rejected: 0,
    problems: [],
    errorsFile: null,
  };
  const errors = input.errorsFile ? new ErrorsFileWriter(input.errorsFile, bank.headers) : undefined;
  try {
    await underDatabaseRules(
      ctx.em.transactional(async (em) => {
        // Every payout the file names, locked in reference order (concurrent reconciles lock
        // shared payouts in the same order); identical repeated lines then see the first's change.
        const references = [...new Set(bank.lines.map((l) => l.reference))];
        const payouts = new Map(
          (references.length === 0
            ? []
            : await em.find(
                Payout,
                { reference: { $in: references } },
                { lockMode: mikroCore.LockMode.PESSIMISTIC_WRITE, orderBy: { reference: 'asc' } },
              )
          ).map((p) => [p.reference, p]),
        );
        const audits: { id: string; summary: Record<string, unknown> }[] = [];
        for (const line of bank.lines) {
          const reject = (problem: RowProblem) =>
            problems.push({ rowNumber: line.rowNumber, record: line.record, problem });
          const p = payouts.get(line.reference);
          if (!p) {
            reject({ column: 'reference', value: line.reference, reason: 'no payout has this reference' });
            continue;
          }
          const paidAt = line.paidAt ?? now;
          const wrong = mismatch(line, p, paidAt, now);
          if (wrong) {
            reject(wrong);
            continue;
          }
          if (line.outcome === 'paid' && p.status === 'paid') {
            if (line.paidAt && p.paidAt && line.paidAt.toMillis() !== p.paidAt.getTime())
              reject({
                column: 'paid_at',
                value: toIsoLagos(line.paidAt),
                reason: `the payout was recorded paid at ${toIsoLagos(p.paidAt)}; check with the bank`,
              });
            else result.alreadyPaid++;
            continue;
          }
          if (line.outcome === 'failed' && p.status === 'failed') {
            result.failed.push({ reference: p.reference, note: line.note });
            continue;
          }
          if (p.status !== 'exported') {
            reject({
              column: line.outcome === 'failed' && p.status === 'paid' ? 'status' : 'reference',
              value: line.outcome === 'failed' && p.status === 'paid' ? 'failed' : line.reference,
              reason:
                p.status === 'paid'
                  ? 'payout was already marked paid; check with the bank'
                  : `payout is ${p.status}, not exported`,
            });
            continue;
          }
          p.status = line.outcome;
          p.bankStatus = line.outcome;
          p.bankNote = line.note;
          if (line.outcome === 'paid') {
            p.paidAt = paidAt.toJSDate();
            result.paid++;
            audits.push({
              id: p.id,
              summary: { action: 'paid', reference: p.reference, paidAt: paidAt.toISO() },
            });
          } else {
            result.failed.push({ reference: p.reference, note: line.note });
            audits.push({
              id: p.id,
              summary: { action: 'bank_failed', reference: p.reference, note: line.note },
            });
          }
        }
        await em.flush();
        for (const a of audits) await recordAudit(em, ctx.actor, 'payout', a.id, a.summary);
      }),
    );
    problems.sort((a, b) => a.rowNumber - b.rowNumber);
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
