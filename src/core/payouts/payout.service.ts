/**
 * Period payouts (SPEC §1 "Payouts"): run (plan, then apply), list, show. Approval, export and
 * reconciliation live in payout-approval.service.ts and payout-bank.service.ts.
 *
 * The run aggregates the period's revenue in PostgreSQL with one grouped query over the daily
 * revenue rollup that the database keeps from the transactions (never loading transactions into
 * JavaScript), computes each contract's payout with the pure `calculatePayout`, and writes
 * set-based. Runs of one period take turns on an advisory lock and the (contract, period) unique
 * key guards the rest, so two runs at once give one payout per contract. A re-run recomputes
 * `calculated` payouts in place and never touches the others.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Actor, recordAudit } from '../audit/audit.js';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import { execute, query, queryOne } from '../db/sql.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { type Kobo, koboToJson } from '../money.js';
import { type Clock, type Period, parsePeriod, toIsoLagos } from '../time.js';
import { activeDaysInPeriod, calculatePayout, type PayoutResult, type TaxType } from './payout.calculator.js';

export const PAYOUT_STATUSES = ['calculated', 'approved', 'exported', 'paid', 'rejected'] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

/** The money of one payout, or of several summed, in kobo (JSON numbers). */
export interface PayoutAmounts {
  grossRevenueKobo: number;
  ownerShareKobo: number;
  platformShareKobo: number;
  guaranteeKobo: number;
  topUpKobo: number;
  payoutKobo: number;
  taxKobo: number;
  netKobo: number;
}

/** PayoutAmounts' fields, in the order the JSON documents print them. */
const AMOUNT_FIELDS = [
  'grossRevenueKobo',
  'ownerShareKobo',
  'platformShareKobo',
  'guaranteeKobo',
  'topUpKobo',
  'payoutKobo',
  'taxKobo',
  'netKobo',
] as const satisfies readonly (keyof PayoutAmounts)[];

/** A payout as `payout run|list --json` prints it (SPEC appendix), plus the calculation's inputs. */
export interface PayoutView extends PayoutAmounts {
  id: string | null;
  reference: string;
  period: string;
  contract: string;
  hospital: string;
  owner: string;
  ownerName: string;
  dueDate: string;
  status: PayoutStatus;
  shareBasisPoints: number;
  fullGuaranteeKobo: number;
  activeDays: number;
  periodDays: number;
  taxType: TaxType;
  taxBasisPoints: number;
}

export interface PayoutTotals extends PayoutAmounts {
  count: number;
}

/** What a run does to one contract's payout. */
export type PlanAction = 'create' | 'update' | 'unchanged' | 'kept';

export interface PayoutRunResult {
  period: string;
  dryRun: boolean;
  payouts: (PayoutView & { action: PlanAction })[];
  totals: PayoutTotals;
  created: number;
  updated: number;
  unchanged: number;
  /** Payouts left as they were because they are approved, exported, paid or rejected. */
  kept: number;
}

interface AggregateRow {
  contract_id: string;
  number: string;
  hospital_code: string;
  owner_id: string;
  owner_name: string;
  tax_type: TaxType;
  share_bps: number;
  guarantee_kobo: string;
  payment_terms_days: number;
  start_date: string;
  last_day: string | null;
  gross: string;
}

interface PayoutRecord {
  id: string;
  reference: string;
  period: string;
  contract_id: string;
  number: string;
  hospital_code: string;
  owner_id: string;
  owner_name: string;
  tax_type: TaxType;
  share_bps: number;
  full_guarantee_kobo: string;
  tax_bps: number;
  active_days: number;
  period_days: number;
  period_start: string;
  period_end: string;
  gross_revenue_kobo: string;
  owner_share_kobo: string;
  platform_share_kobo: string;
  guarantee_kobo: string;
  top_up_kobo: string;
  payout_kobo: string;
  tax_kobo: string;
  net_kobo: string;
  due_date: string;
  status: PayoutStatus;
  revision: number;
  calculated_by: string;
  calculated_at: Date | string;
  rejection_reason: string | null;
  approved_at: Date | string | null;
  exported_at: Date | string | null;
  paid_at: Date | string | null;
  bank_status: string | null;
  bank_note: string | null;
}

export const SELECT_PAYOUT = `
  select p.id, p.reference, p.period, p.contract_id, c.number, h.code as hospital_code, o.id as owner_id,
    o.name as owner_name, o.tax_type, p.share_bps, p.full_guarantee_kobo::text, p.tax_bps, p.active_days, p.period_days,
    p.period_start::text, p.period_end::text, p.gross_revenue_kobo::text, p.owner_share_kobo::text,
    p.platform_share_kobo::text, p.guarantee_kobo::text, p.top_up_kobo::text, p.payout_kobo::text, p.tax_kobo::text,
    p.net_kobo::text, p.due_date::text, p.status, p.revision, p.calculated_by, p.calculated_at, p.rejection_reason,
    p.approved_at, p.exported_at, p.paid_at, p.bank_status, p.bank_note
  from payout p join contract c on c.id = p.contract_id join hospital h on h.id = c.hospital_id
    join owner o on o.id = c.owner_id`;

const RUN_LOCK = 73_010_004;
const ts = (v: Date | string) => toIsoLagos(v instanceof Date ? v : new Date(v));

export function toPayoutView(r: PayoutRecord): PayoutView {
  const k = (v: string) => koboToJson(BigInt(v));
  return {
    id: r.id,
    reference: r.reference,
    period: r.period,
    contract: r.number,
    hospital: r.hospital_code,
    owner: r.owner_id,
    ownerName: r.owner_name,
    grossRevenueKobo: k(r.gross_revenue_kobo),
    ownerShareKobo: k(r.owner_share_kobo),
    platformShareKobo: k(r.platform_share_kobo),
    guaranteeKobo: k(r.guarantee_kobo),
    topUpKobo: k(r.top_up_kobo),
    payoutKobo: k(r.payout_kobo),
    taxKobo: k(r.tax_kobo),
    netKobo: k(r.net_kobo),
    dueDate: r.due_date,
    status: r.status,
    shareBasisPoints: r.share_bps,
    fullGuaranteeKobo: k(r.full_guarantee_kobo),
    activeDays: r.active_days,
    periodDays: r.period_days,
    taxType: r.tax_type,
    taxBasisPoints: r.tax_bps,
  };
}

export function totalsOf(payouts: PayoutView[]): PayoutTotals {
  const totals = { count: payouts.length } as PayoutTotals;
  for (const field of AMOUNT_FIELDS)
    totals[field] = koboToJson(payouts.reduce((sum, p) => sum + BigInt(p[field]), 0n));
  return totals;
}

/**
 * Per contract of the period's frequency in force on any day of the period: its terms and the
 * gross revenue of its hospital on the days it was in force (Lagos calendar days), refunds
 * subtracted. One grouped query over the daily revenue rollup `hospital_revenue_day` (kept equal
 * to the grouped transactions by triggers, see its migration): ~31 rows per contract and month,
 * whatever the number of transactions.
 */
async function aggregatePeriod(em: EntityManager, period: Period): Promise<AggregateRow[]> {
  return query<AggregateRow>(
    em,
    `with c as (
       select c.id, c.number, h.code as hospital_code, c.hospital_id, o.id as owner_id, o.name as owner_name, o.tax_type,
         c.share_bps, c.guarantee_kobo, c.payment_terms_days, c.start_date,
         least(c.end_date, c.terminated_on) as last_day,
         greatest(c.start_date, $1::date) as from_day,
         least(coalesce(least(c.end_date, c.terminated_on), $2::date), $2::date) as to_day
       from contract c join hospital h on h.id = c.hospital_id join owner o on o.id = c.owner_id
       where c.frequency = $3
         and (c.status in ('active', 'expired') or (c.status = 'terminated' and c.terminated_on >= c.start_date))
         and c.start_date <= $2::date and coalesce(least(c.end_date, c.terminated_on), $2::date) >= $1::date
     )
     -- One index range scan of the rollup per contract (~31 rows each): a lateral join, so the plan
     -- does not depend on how many contracts the planner expects.
     select c.id as contract_id, c.number, c.hospital_code, c.owner_id, c.owner_name, c.tax_type, c.share_bps,
       c.guarantee_kobo::text, c.payment_terms_days, c.start_date::text, c.last_day::text,
       coalesce(g.gross, 0)::text as gross
     from c left join lateral (
       select sum(r.payments_kobo - r.refunds_kobo) as gross
       from hospital_revenue_day r
       where r.hospital_id = c.hospital_id and r.day between c.from_day and c.to_day
     ) g on true
     order by c.number`,
    [period.firstDay, period.lastDay, period.frequency],
  );
}

interface PlannedPayout {
  row: AggregateRow;
  result: PayoutResult;
  activeDays: number;
  taxBps: number;
  reference: string;
  existing: PayoutRecord | undefined;
  action: PlanAction;
}

function sameAmounts(
  r: PayoutResult,
  e: PayoutRecord,
  activeDays: number,
  taxBps: number,
  row: AggregateRow,
) {
  return (
    BigInt(e.gross_revenue_kobo) === r.grossRevenueKobo &&
    BigInt(e.owner_share_kobo) === r.ownerShareKobo &&
    BigInt(e.guarantee_kobo) === r.guaranteeKobo &&
    BigInt(e.payout_kobo) === r.payoutKobo &&
    BigInt(e.tax_kobo) === r.taxKobo &&
    BigInt(e.net_kobo) === r.netKobo &&
    e.due_date === r.dueDate &&
    e.active_days === activeDays &&
    e.tax_bps === taxBps &&
    e.share_bps === row.share_bps &&
    e.full_guarantee_kobo === row.guarantee_kobo
  );
}

/** The pure part of a run: what each contract's payout would be, and what the run would do. */
async function planRun(em: EntityManager, config: Config, period: Period): Promise<PlannedPayout[]> {
  const rows = await aggregatePeriod(em, period);
  const existing = new Map(
    (await query<PayoutRecord>(em, `${SELECT_PAYOUT} where p.period = $1`, [period.label])).map((p) => [
      p.contract_id,
      p,
    ]),
  );
  const planned: PlannedPayout[] = [];
  for (const row of rows) {
    const activeDays = activeDaysInPeriod(row.start_date, row.last_day, period.firstDay, period.lastDay);
    if (activeDays === 0) continue;
    const taxBps = config.withholdingTaxBps[row.tax_type];
    const result = calculatePayout({
      grossRevenueKobo: BigInt(row.gross),
      shareBasisPoints: row.share_bps,
      guaranteeKobo: BigInt(row.guarantee_kobo),
      activeDays,
      periodDays: period.days,
      taxBasisPoints: taxBps,
      periodLastDay: period.lastDay,
      paymentTermsDays: row.payment_terms_days,
    });
    const e = existing.get(row.contract_id);
    const action: PlanAction = !e
      ? 'create'
      : e.status !== 'calculated'
        ? 'kept'
        : sameAmounts(result, e, activeDays, taxBps, row)
          ? 'unchanged'
          : 'update';
    planned.push({
      row,
      result,
      activeDays,
      taxBps,
      reference: `${row.number}-${period.label}`,
      existing: e,
      action,
    });
  }
  return planned;
}

function plannedView(p: PlannedPayout, period: Period): PayoutView & { action: PlanAction } {
  if (p.action === 'kept') return { ...toPayoutView(p.existing!), action: p.action };
  const k = (v: Kobo) => koboToJson(v);
  return {
    id: p.existing?.id ?? null,
    reference: p.reference,
    period: period.label,
    contract: p.row.number,
    hospital: p.row.hospital_code,
    owner: p.row.owner_id,
    ownerName: p.row.owner_name,
    grossRevenueKobo: k(p.result.grossRevenueKobo),
    ownerShareKobo: k(p.result.ownerShareKobo),
    platformShareKobo: k(p.result.platformShareKobo),
    guaranteeKobo: k(p.result.guaranteeKobo),
    topUpKobo: k(p.result.topUpKobo),
    payoutKobo: k(p.result.payoutKobo),
    taxKobo: k(p.result.taxKobo),
    netKobo: k(p.result.netKobo),
    dueDate: p.result.dueDate,
    status: 'calculated',
    shareBasisPoints: p.row.share_bps,
    fullGuaranteeKobo: k(BigInt(p.row.guarantee_kobo)),
    activeDays: p.activeDays,
    periodDays: period.days,
    taxType: p.row.tax_type,
    taxBasisPoints: p.taxBps,
    action: p.action,
  };
}

const CALC_COLUMNS = [
  ['share_bps', 'int'],
  ['full_guarantee_kobo', 'bigint'],
  ['tax_bps', 'int'],
  ['active_days', 'int'],
  ['gross_revenue_kobo', 'bigint'],
  ['owner_share_kobo', 'bigint'],
  ['platform_share_kobo', 'bigint'],
  ['guarantee_kobo', 'bigint'],
  ['top_up_kobo', 'bigint'],
  ['payout_kobo', 'bigint'],
  ['tax_kobo', 'bigint'],
  ['net_kobo', 'bigint'],
  ['due_date', 'date'],
] as const;

function calcValues(p: PlannedPayout): (string | number)[] {
  const r = p.result;
  return [
    p.row.share_bps,
    p.row.guarantee_kobo,
    p.taxBps,
    p.activeDays,
    r.grossRevenueKobo.toString(),
    r.ownerShareKobo.toString(),
    r.platformShareKobo.toString(),
    r.guaranteeKobo.toString(),
    r.topUpKobo.toString(),
    r.payoutKobo.toString(),
    r.taxKobo.toString(),
    r.netKobo.toString(),
    r.dueDate,
  ];
}

function columnArrays(items: PlannedPayout[], first: (p: PlannedPayout) => string[]): unknown[] {
  const rows = items.map((p) => [...first(p), ...calcValues(p)]);
  const width = rows[0]?.length ?? 0;
  return Array.from({ length: width }, (_, i) => rows.map((r) => r[i]));
}

/**
 * Runs (or, with dryRun, only plans) the payouts of a period for every contract of its frequency
 * in force on any of its days.
 */
export async function runPayouts(
  db: Database,
  config: Config,
  clock: Clock,
  input: { period: string; dryRun?: boolean; actor: Actor },
): Promise<PayoutRunResult> {
  const period = parsePeriod(input.period);
  const now = clock.now().toISO()!;
  const summarise = (planned: PlannedPayout[], payouts: (PayoutView & { action: PlanAction })[]) => {
    const count = (a: PlanAction) => planned.filter((p) => p.action === a).length;
    return {
      period: period.label,
      dryRun: Boolean(input.dryRun),
      payouts,
      totals: totalsOf(payouts),
      created: count('create'),
      updated: count('update'),
      unchanged: count('unchanged'),
      kept: count('kept'),
    };
  };
  if (input.dryRun) {
    const planned = await planRun(db.em(), config, period);
    return summarise(
      planned,
      planned.map((p) => plannedView(p, period)),
    );
  }
  return db.em().transactional(async (tem) => {
    // Runs of the same period take turns; the second sees the first's payouts and only recomputes.
    await execute(tem, 'select pg_advisory_xact_lock($1, hashtext($2))', [RUN_LOCK, period.label]);
    const planned = await planRun(tem, config, period);
    const creates = planned.filter((p) => p.action === 'create');
    const updates = planned.filter((p) => p.action === 'update');
    if (creates.length > 0) {
      const cols = ['reference', 'contract_id', ...CALC_COLUMNS.map(([n]) => n)];
      const types = ['text', 'uuid', ...CALC_COLUMNS.map(([, t]) => t)];
      await execute(
        tem,
        `insert into payout (${cols.join(', ')}, period, period_start, period_end, period_days, status, revision,
           calculated_by, calculated_at)
         select u.*, $${cols.length + 1}, $${cols.length + 2}::date, $${cols.length + 3}::date, $${cols.length + 4}::int,
           'calculated', 1, $${cols.length + 5}, $${cols.length + 6}::timestamptz
         from unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) as u(${cols.join(', ')})`,
        [
          ...columnArrays(creates, (p) => [p.reference, p.row.contract_id]),
          period.label,
          period.firstDay,
          period.lastDay,
          period.days,
          input.actor.operator,
          now,
        ],
      );
    }
    if (updates.length > 0) {
      const cols = ['id', ...CALC_COLUMNS.map(([n]) => n)];
      const types = ['uuid', ...CALC_COLUMNS.map(([, t]) => t)];
      const n = cols.length;
      const touched = await execute(
        tem,
        `update payout p set ${CALC_COLUMNS.map(([c]) => `${c} = u.${c}`).join(', ')},
           revision = p.revision + 1, calculated_by = $${n + 1}, calculated_at = $${n + 2}::timestamptz
         from unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) as u(${cols.join(', ')})
         where p.id = u.id and p.status = 'calculated'`,
        [...columnArrays(updates, (p) => [p.existing!.id]), input.actor.operator, now],
      );
      if (touched !== updates.length)
        throw new ConflictError(
          'payout_changed',
          'payouts of this period changed during the run; run it again',
        );
    }
    const run = (await queryOne<{ id: string }>(
      tem,
      `insert into payout_run (period, operator, ran_at, calculated, kept) values ($1, $2, $3::timestamptz, $4, $5)
       returning id`,
      [
        period.label,
        input.actor.operator,
        now,
        planned.length - planned.filter((p) => p.action === 'kept').length,
        planned.filter((p) => p.action === 'kept').length,
      ],
    ))!;
    const stored = new Map(
      (await query<PayoutRecord>(tem, `${SELECT_PAYOUT} where p.period = $1`, [period.label])).map((p) => [
        p.contract_id,
        toPayoutView(p),
      ]),
    );
    const payouts = planned.map((p) => ({ ...stored.get(p.row.contract_id)!, action: p.action }));
    const result = summarise(planned, payouts);
    await recordAudit(
      tem,
      input.actor,
      'payout_run',
      run.id,
      {
        period: period.label,
        created: result.created,
        updated: result.updated,
        unchanged: result.unchanged,
        kept: result.kept,
        netKobo: result.totals.netKobo,
      },
      now,
    );
    return result;
  });
}

/** Finds a payout by id, a unique id prefix (≥ 8 characters) or its reference (`CT-2026-0001-2026-10`). */
export async function loadPayout(em: EntityManager, ref: string, forUpdate = false): Promise<PayoutRecord> {
  const text = ref.trim();
  const lock = forUpdate ? ' for update of p' : '';
  let rows: PayoutRecord[];
  if (/^CT-/i.test(text))
    rows = await query<PayoutRecord>(em, `${SELECT_PAYOUT} where p.reference = upper($1)${lock}`, [text]);
  else if (/^[0-9a-f-]{8,36}$/i.test(text))
    rows = await query<PayoutRecord>(
      em,
      `${SELECT_PAYOUT} where p.id::text like lower($1) || '%' limit 2${lock}`,
      [text],
    );
  else rows = [];
  if (rows.length === 0) throw new NotFoundError('payout', ref);
  if (rows.length > 1)
    throw new ConflictError('payout_ambiguous', `more than one payout id starts with ${ref}`);
  return rows[0];
}

export async function listPayouts(
  em: EntityManager,
  filters: { period?: string; status?: string; hospital?: string; contract?: string },
): Promise<{ payouts: PayoutView[]; totals: PayoutTotals }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filters.period) {
    params.push(parsePeriod(filters.period).label);
    where.push(`p.period = $${params.length}`);
  }
  if (filters.status) {
    if (!(PAYOUT_STATUSES as readonly string[]).includes(filters.status))
      throw new ValidationError('status', filters.status, `use ${PAYOUT_STATUSES.join(', ')}`);
    params.push(filters.status);
    where.push(`p.status = $${params.length}`);
  }
  if (filters.hospital) {
    params.push(filters.hospital.trim().toUpperCase());
    where.push(`h.code = $${params.length}`);
  }
  if (filters.contract) {
    params.push(filters.contract.trim().toUpperCase());
    where.push(`c.number = $${params.length}`);
  }
  const rows = await query<PayoutRecord>(
    em,
    `${SELECT_PAYOUT} ${where.length ? `where ${where.join(' and ')}` : ''} order by p.period_start, c.number`,
    params,
  );
  const payouts = rows.map(toPayoutView);
  return { payouts, totals: totalsOf(payouts) };
}

export interface ApprovalView {
  decision: string;
  operator: string;
  reason: string | null;
  revision: number;
  decidedAt: string;
}

export interface PayoutDetail extends PayoutView {
  periodStart: string;
  periodEnd: string;
  revision: number;
  calculatedBy: string;
  calculatedAt: string;
  requiredApprovals: number;
  approvals: ApprovalView[];
  rejectionReason: string | null;
  approvedAt: string | null;
  exportedAt: string | null;
  paidAt: string | null;
  bankStatus: string | null;
  bankNote: string | null;
  transactions: { payments: number; refunds: number };
}

export function requiredApprovals(config: Config, payoutKobo: bigint): number {
  return payoutKobo > config.dualApprovalKobo ? 2 : 1;
}

/** The full calculation of one payout: revenue, share, guarantee and proration, top-up, tax, approvals. */
export async function showPayout(em: EntityManager, config: Config, ref: string): Promise<PayoutDetail> {
  const p = await loadPayout(em, ref);
  const approvals = await query<{
    decision: string;
    operator: string;
    reason: string | null;
    revision: number;
    decided_at: Date | string;
  }>(
    em,
    'select decision, operator, reason, revision, decided_at from payout_approvals where payout_id = $1 order by decided_at, id',
    [p.id],
  );
  const counts = (await queryOne<{ payments: number; refunds: number }>(
    em,
    `select coalesce(sum(r.payment_count), 0)::int as payments, coalesce(sum(r.refund_count), 0)::int as refunds
     from contract c join hospital_revenue_day r on r.hospital_id = c.hospital_id
     where c.id = $1
       and r.day between greatest(c.start_date, $2::date)
         and least(coalesce(least(c.end_date, c.terminated_on), $3::date), $3::date)`,
    [p.contract_id, p.period_start, p.period_end],
  ))!;
  return {
    ...toPayoutView(p),
    periodStart: p.period_start,
    periodEnd: p.period_end,
    revision: p.revision,
    calculatedBy: p.calculated_by,
    calculatedAt: ts(p.calculated_at),
    requiredApprovals: requiredApprovals(config, BigInt(p.payout_kobo)),
    approvals: approvals.map((a) => ({
      decision: a.decision,
      operator: a.operator,
      reason: a.reason,
      revision: a.revision,
      decidedAt: ts(a.decided_at),
    })),
    rejectionReason: p.rejection_reason,
    approvedAt: p.approved_at ? ts(p.approved_at) : null,
    exportedAt: p.exported_at ? ts(p.exported_at) : null,
    paidAt: p.paid_at ? ts(p.paid_at) : null,
    bankStatus: p.bank_status,
    bankNote: p.bank_note,
    transactions: counts,
  };
}
