/**
 * `payout export`: the bank bulk-transfer CSV of a period's approved payouts.
 *
 * Export marks what it writes `exported` in the same transaction that selects it. The `--out`
 * path is checked before anything else; the file is written (0600, flushed) as a hidden temp file
 * in the destination's folder inside that transaction and renamed into place only after the
 * commit, so a failed commit leaves no file, a failed write leaves the payouts approved, and a
 * second export of the period exports nothing new (unless `includeExported` asks for the exported
 * ones again). Payouts of ₦0.00 are never bank lines: see `zeroAmount`.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { protectCell } from '../csv.js';
import { CrmError, ExitCode, ValidationError } from '../errors.js';
import { formatNairaPlain, koboToJson } from '../money.js';
import { checkOutputFile, placeFile, writePrivateTemp } from '../output-files.js';
import { parsePeriod } from '../time.js';
import {
  lockPayoutsToPay,
  markExported,
  markSettledWithoutTransfer,
  type PayoutToPay,
} from './payout-export.sql.js';

export const EXPORT_FORMATS = ['generic'] as const;

export const EXPORT_HEADER = [
  'beneficiary_name',
  'bank_code',
  'account_number',
  'amount',
  'narration',
  'reference',
];

export interface ExportPayoutsInput {
  period: string;
  /** Write the CSV to this file; without it the result carries the CSV text. */
  out?: string;
  /** Write the period's already exported payouts again. */
  includeExported?: boolean;
  format?: string;
}

export interface ExportResult {
  period: string;
  format: string;
  /** Payouts newly marked exported by this command. */
  exported: number;
  /** Payouts exported before and written again (only with includeExported). */
  reexported: number;
  netKobo: number;
  /**
   * Payouts of ₦0.00 left out of the bank file (a transfer of nothing): the approved ones are
   * settled by this export — `paid`, with nothing sent — and listed here.
   */
  zeroAmount: string[];
  /** The bank file, or null when it would have no line (nothing written then). */
  file: string | null;
  batch: string | null;
  /** The CSV text when no file was asked for (the command prints it). */
  csv: string | null;
}

/** Writes the approved payouts of a period as a bank bulk-transfer CSV (UTF-8 BOM) and marks them exported. */
export async function exportPayouts(ctx: ServiceContext, input: ExportPayoutsInput): Promise<ExportResult> {
  const period = parsePeriod(input.period);
  const format = input.format ?? 'generic';
  if (!(EXPORT_FORMATS as readonly string[]).includes(format))
    throw new ValidationError('format', format, `use ${EXPORT_FORMATS.join(', ')}`);
  // Before any state changes: a folder, a missing folder or a read-only place is exit 3 with the
  // payouts still approved (it was found at the rename, after they were committed as exported).
  if (input.out !== undefined) checkOutputFile(input.out, '--out', { atomic: true });
  const now = ctx.clock.now().toISO()!;
  const batch = randomUUID();
  const tmp = input.out
    ? join(dirname(input.out), `.${basename(input.out)}.${batch.slice(0, 8)}.tmp`)
    : undefined;
  let result: ExportResult;
  try {
    result = await ctx.em.transactional(async (em) => {
      const rows = await lockPayoutsToPay(em, period.label, Boolean(input.includeExported));
      // ₦0.00 is no transfer: such a payout is left out of the bank file, listed, and settled.
      const zero = rows.filter((r) => r.netKobo === 0n);
      const lines = rows.filter((r) => r.netKobo !== 0n);
      const fresh = lines.filter((r) => r.status === 'approved');
      const settled = zero.filter((r) => r.status === 'approved');
      if (rows.length === 0) return emptyResult(period.label, format);
      if (fresh.length > 0) await markExported(em, fresh, { at: now, batch });
      if (settled.length > 0)
        await markSettledWithoutTransfer(
          em,
          settled.map((r) => r.id),
          { at: now, batch },
        );
      const csv = lines.length === 0 ? null : bankCsv(lines, period.label);
      const net = lines.reduce((s, r) => s + r.netKobo, 0n);
      await recordAudit(em, ctx.actor, 'payout_export', batch, {
        period: period.label,
        exported: fresh.length,
        reexported: lines.length - fresh.length,
        netKobo: net,
        zeroAmount: zero.map((r) => r.reference),
        file: csv === null ? null : (input.out ?? '(stdout)'),
      });
      // Written (and flushed) before the commit: a write that fails rolls the export back.
      if (tmp && csv !== null) writePrivateTemp(tmp, csv, '--out', input.out!);
      return {
        period: period.label,
        format,
        exported: fresh.length,
        reexported: lines.length - fresh.length,
        netKobo: koboToJson(net),
        zeroAmount: zero.map((r) => r.reference),
        file: csv !== null && input.out ? input.out : null,
        batch: fresh.length + settled.length > 0 ? batch : null,
        csv: tmp ? null : csv,
      };
    });
  } catch (error) {
    if (tmp) rmSync(tmp, { force: true });
    throw error;
  }
  if (tmp && result.file) {
    // After the commit, so that a file exists only for payouts marked exported. The checks above
    // make a failure here a race (the folder changed meanwhile): the file is kept and named.
    try {
      placeFile(tmp, result.file);
    } catch (error) {
      throw new CrmError(
        'export_file_not_placed',
        `the payouts are marked exported (batch ${result.batch}), but the bank file could not be renamed to ${result.file} (${(error as Error).message.split(',')[0]}); it is at ${tmp}: move it there, or write it again with crm payout export --period ${result.period} --include-exported --out FILE`,
        ExitCode.unexpected,
      );
    }
  }
  return result;
}

function emptyResult(period: string, format: string): ExportResult {
  return {
    period,
    format,
    exported: 0,
    reexported: 0,
    netKobo: 0,
    zeroAmount: [],
    file: null,
    batch: null,
    csv: null,
  };
}

/** The bank file's text: a header, then one line per payout, text cells protected. */
function bankCsv(rows: PayoutToPay[], period: string): string {
  return stringify(
    rows.map((r) => [
      protectCell(r.ownerName),
      protectCell(r.bankCode),
      protectCell(r.accountNumber),
      formatNairaPlain(r.netKobo),
      protectCell(`${r.hospitalCode} payout ${period}`),
      protectCell(r.reference),
    ]),
    { header: true, columns: EXPORT_HEADER, bom: true },
  );
}
