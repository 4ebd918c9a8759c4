/**
 * The bank side of payouts: the bulk-transfer CSV of approved payouts (`payout export`) and the
 * bank's confirmation file (`payout reconcile`).
 *
 * Export marks what it writes `exported` in the same transaction that selects it; the file is
 * written next to its destination first and renamed into place only after the commit, so a
 * failed commit leaves no file and a second export of the period exports nothing new (unless
 * `includeExported` asks for the exported ones again). Reconcile is idempotent: a payout already
 * paid stays paid, and failures are reported every time they are read.
 */

import { randomUUID } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { type Actor, recordAudit } from '../audit/audit.js';
import { normalizeHeader, protectCell, streamCsv } from '../csv.js';
import type { Database } from '../db/database.js';
import { execute, query, queryOne } from '../db/sql.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { ErrorsFileWriter, type RowProblem } from '../imports/bulk-load.js';
import { formatNairaPlain, koboToJson } from '../money.js';
import { type Clock, parseDateTime, parsePeriod } from '../time.js';

export const EXPORT_FORMATS = ['generic'] as const;

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

interface ExportRow {
  id: string;
  reference: string;
  status: string;
  owner_name: string;
  bank_code: string;
  account_number: string;
  hospital_code: string;
  net_kobo: string;
}

export const EXPORT_HEADER = [
  'beneficiary_name',
  'bank_code',
  'account_number',
  'amount',
  'narration',
  'reference',
];

/** Writes the approved payouts of a period as a bank bulk-transfer CSV (UTF-8 BOM) and marks them exported. */
export async function exportPayouts(
  db: Database,
  clock: Clock,
  input: { period: string; out?: string; includeExported?: boolean; format?: string; actor: Actor },
): Promise<ExportResult> {
  const period = parsePeriod(input.period);
  const format = input.format ?? 'generic';
  if (!(EXPORT_FORMATS as readonly string[]).includes(format))
    throw new ValidationError('format', format, `use ${EXPORT_FORMATS.join(', ')}`);
  const now = clock.now().toISO()!;
  const batch = randomUUID();
  const tmp = input.out ? `${input.out}.${batch.slice(0, 8)}.tmp` : undefined;
  let result: ExportResult;
  try {
    result = await db.em().transactional(async (tem) => {
      const rows = await query<ExportRow>(
        tem,
        `select p.id, p.reference, p.status, o.name as owner_name, o.bank_code, o.account_number, h.code as hospital_code,
           p.net_kobo::text
         from payout p join contract c on c.id = p.contract_id join owner o on o.id = c.owner_id
           join hospital h on h.id = c.hospital_id
         where p.period = $1 and (p.status = 'approved' or ($2 and p.status = 'exported'))
         order by c.number
         for update of p`,
        [period.label, Boolean(input.includeExported)],
      );
      const fresh = rows.filter((r) => r.status === 'approved');
      const empty: ExportResult = {
        period: period.label,
        format,
        exported: 0,
        reexported: 0,
        netKobo: 0,
        file: null,
        batch: null,
        csv: null,
      };
      if (rows.length === 0) return empty;
      if (fresh.length > 0)
        await execute(
          tem,
          `update payout set status = 'exported', exported_at = $2::timestamptz, export_batch = $3
           where id = any($1::uuid[]) and status = 'approved'`,
          [fresh.map((r) => r.id), now, batch],
        );
      const csv = stringify(
        rows.map((r) => [
          protectCell(r.owner_name),
          protectCell(r.bank_code),
          protectCell(r.account_number),
          formatNairaPlain(BigInt(r.net_kobo)),
          protectCell(`${r.hospital_code} payout ${period.label}`),
          protectCell(r.reference),
        ]),
        { header: true, columns: EXPORT_HEADER, bom: true },
      );
      const net = rows.reduce((s, r) => s + BigInt(r.net_kobo), 0n);
      await recordAudit(
        tem,
        input.actor,
        'payout_export',
        batch,
        {
          period: period.label,
          exported: fresh.length,
          reexported: rows.length - fresh.length,
          netKobo: net,
          file: input.out ?? '(stdout)',
        },
        now,
      );
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

const PAID = new Set(['paid', 'success', 'successful', 'completed', 'complete', 'processed', 'ok']);
const FAILED = new Set(['failed', 'failure', 'rejected', 'reversed', 'returned', 'error', 'declined']);

const RECONCILE_ALIASES: Record<string, string[]> = {
  reference: ['reference', 'ref', 'paymentreference', 'transactionreference', 'customerreference'],
  status: ['status', 'result', 'paymentstatus', 'transferstatus'],
  paid_at: ['paidat', 'paid', 'paiddate', 'valuedate', 'paymentdate', 'date'],
  note: ['note', 'reason', 'message', 'remarks', 'narration'],
};

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
export async function reconcilePayouts(
  db: Database,
  clock: Clock,
  input: { file: string; errorsFile?: string; actor: Actor },
): Promise<ReconcileResult> {
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
  const now = clock.now();
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
  try {
    await db.em().transactional(async (tem) => {
      for (let i = 1; i < records.length; i++) {
        const record = records[i];
        const rowNumber = i + 1;
        const get = (c: number) => (c >= 0 ? (record[c] ?? '').trim() : '');
        const reference = get(columns.reference).toUpperCase();
        const status = get(columns.status).toLowerCase();
        const note = get(columns.note) || null;
        const reject = (problem: RowProblem) => problems.push({ rowNumber, problem, record });
        const p = reference
          ? await queryOne<{ id: string; status: string; reference: string }>(
              tem,
              'select id, status, reference from payout where reference = $1 for update',
              [reference],
            )
          : undefined;
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
          await execute(
            tem,
            `update payout set status = 'paid', paid_at = $2::timestamptz, bank_status = 'paid', bank_note = $3 where id = $1`,
            [p.id, paidAt.toISO(), note],
          );
          await recordAudit(tem, input.actor, 'payout', p.id, {
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
          await execute(tem, `update payout set bank_status = 'failed', bank_note = $2 where id = $1`, [
            p.id,
            note,
          ]);
          await recordAudit(tem, input.actor, 'payout', p.id, { action: 'bank_failed', reference, note });
          result.failed.push({ reference, note });
        } else {
          reject({ column: 'status', value: status, reason: 'use paid/successful or failed' });
        }
      }
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
