/**
 * `payout export`: the bank bulk-transfer CSV of a period's approved payouts.
 *
 * Export marks what it writes `exported` in the same transaction that selects it; the file is
 * written next to its destination first and renamed into place only after the commit, so a
 * failed commit leaves no file and a second export of the period exports nothing new (unless
 * `includeExported` asks for the exported ones again).
 */
import { randomUUID } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { protectCell } from '../csv.js';
import { ValidationError } from '../errors.js';
import { formatNairaPlain, koboToJson } from '../money.js';
import { parsePeriod } from '../time.js';
import { lockPayoutsToPay, markExported } from './payout-export.sql.js';

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
  const now = ctx.clock.now().toISO()!;
  const batch = randomUUID();
  const tmp = input.out ? `${input.out}.${batch.slice(0, 8)}.tmp` : undefined;
  let result: ExportResult;
  try {
    result = await ctx.em.transactional(async (em) => {
      const rows = await lockPayoutsToPay(em, period.label, Boolean(input.includeExported));
      const fresh = rows.filter((r) => r.status === 'approved');
      if (rows.length === 0)
        return {
          period: period.label,
          format,
          exported: 0,
          reexported: 0,
          netKobo: 0,
          file: null,
          batch: null,
          csv: null,
        };
      if (fresh.length > 0)
        await markExported(
          em,
          fresh.map((r) => r.id),
          { at: now, batch },
        );
      const csv = stringify(
        rows.map((r) => [
          protectCell(r.ownerName),
          protectCell(r.bankCode),
          protectCell(r.accountNumber),
          formatNairaPlain(r.netKobo),
          protectCell(`${r.hospitalCode} payout ${period.label}`),
          protectCell(r.reference),
        ]),
        { header: true, columns: EXPORT_HEADER, bom: true },
      );
      const net = rows.reduce((s, r) => s + r.netKobo, 0n);
      await recordAudit(em, ctx.actor, 'payout_export', batch, {
        period: period.label,
        exported: fresh.length,
        reexported: rows.length - fresh.length,
        netKobo: net,
        file: input.out ?? '(stdout)',
      });
      if (tmp) writeFileSync(tmp, csv);
      return {
        period: period.label,
        format,
        exported: fresh.length,
        reexported: rows.length - fresh.length,
        netKobo: koboToJson(net),
        file: input.out ?? null,
        batch: fresh.length > 0 ? batch : null,
        csv: tmp ? null : csv,
      };
    });
  } catch (error) {
    if (tmp) rmSync(tmp, { force: true });
    throw error;
  }
  if (tmp && result.file) renameSync(tmp, result.file);
  return result;
}
