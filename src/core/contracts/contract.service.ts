/**
 * Contracts between an owner and a hospital (SPEC §1): `draft → active → expired`, or
 * `terminated` from active. Only drafts are edited. Activation refuses a second contract in force
 * for the same hospital on overlapping days (checked here under a row lock on the hospital, and
 * guarded by the `contract_no_overlap` exclusion constraint), and creates the review milestones.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Duration } from 'luxon';
import { type Actor, recordAudit } from '../audit/audit.js';
import { execute, query, queryOne } from '../db/sql.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { hospitalRepository } from '../hospitals/hospital.repository.js';
import { koboToJson, parseNaira, parsePercentToBasisPoints } from '../money.js';
import { findOwner } from '../owners/owner.service.js';
import { type Clock, lagosDate, requireCalendarDate, toIsoLagos } from '../time.js';
import { planMilestones } from './milestone.planner.js';

export const FREQUENCIES = ['monthly', 'quarterly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];
export const CONTRACT_STATUSES = ['draft', 'active', 'expired', 'terminated'] as const;

export interface ContractView {
  id: string;
  number: string;
  status: string;
  owner: string;
  ownerName: string;
  hospital: string;
  sharePercent: number;
  shareBasisPoints: number;
  guaranteeKobo: number;
  frequency: Frequency;
  paymentTermsDays: number;
  startDate: string;
  endDate: string | null;
  notes: string | null;
  terminationReason: string | null;
  terminatedOn: string | null;
  createdAt: string;
  activatedAt: string | null;
}

export interface ContractInput {
  owner?: string;
  hospital?: string;
  /** Owner's revenue share in percent (`70`, `12.5`). */
  share?: string;
  /** Minimum guarantee per payout period, naira. */
  guarantee?: string;
  frequency?: string;
  /** Payment terms in days (default 30). */
  terms?: string | number;
  start?: string;
  /** Optional end date; `none` clears it when editing. */
  end?: string;
  notes?: string;
}

interface ContractRecord {
  id: string;
  number: string;
  status: string;
  owner_id: string;
  owner_name: string;
  hospital_id: string;
  hospital_code: string;
  share_bps: number;
  guarantee_kobo: string;
  frequency: Frequency;
  payment_terms_days: number;
  start_date: string;
  end_date: string | null;
  notes: string | null;
  termination_reason: string | null;
  terminated_on: string | null;
  created_at: Date | string;
  activated_at: Date | string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMBER_LOCK = 73_010_002;

const SELECT_CONTRACT = `
  select c.id, c.number, c.status, c.owner_id, o.name as owner_name, c.hospital_id, h.code as hospital_code,
    c.share_bps, c.guarantee_kobo::text, c.frequency, c.payment_terms_days, c.start_date::text, c.end_date::text,
    c.notes, c.termination_reason, c.terminated_on::text, c.created_at, c.activated_at
  from contract c join owner o on o.id = c.owner_id join hospital h on h.id = c.hospital_id`;

const ts = (v: Date | string) => toIsoLagos(v instanceof Date ? v : new Date(v));

function toView(r: ContractRecord): ContractView {
  return {
    id: r.id,
    number: r.number,
    status: r.status,
    owner: r.owner_id,
    ownerName: r.owner_name,
    hospital: r.hospital_code,
    sharePercent: r.share_bps / 100,
    shareBasisPoints: r.share_bps,
    guaranteeKobo: koboToJson(BigInt(r.guarantee_kobo)),
    frequency: r.frequency,
    paymentTermsDays: r.payment_terms_days,
    startDate: r.start_date,
    endDate: r.end_date,
    notes: r.notes,
    terminationReason: r.termination_reason,
    terminatedOn: r.terminated_on,
    createdAt: ts(r.created_at),
    activatedAt: r.activated_at ? ts(r.activated_at) : null,
  };
}

async function loadContract(em: EntityManager, ref: string, forUpdate = false): Promise<ContractRecord> {
  const text = ref.trim();
  const where = UUID.test(text) ? 'c.id = $1' : 'c.number = upper($1)';
  const row = await queryOne<ContractRecord>(
    em,
    `${SELECT_CONTRACT} where ${where}${forUpdate ? ' for update of c' : ''}`,
    [text],
  );
  if (!row) throw new NotFoundError('contract', ref);
  return row;
}

export async function findContract(em: EntityManager, ref: string): Promise<ContractView> {
  return toView(await loadContract(em, ref));
}

function parseFrequency(value: string | undefined): Frequency {
  const v = (value ?? '').trim().toLowerCase();
  if (!(FREQUENCIES as readonly string[]).includes(v))
    throw new ValidationError('frequency', value, 'use monthly or quarterly');
  return v as Frequency;
}

function parseTerms(value: string | number | undefined): number {
  if (value === undefined || value === '') return 30;
  const text = String(value).trim();
  if (!/^\d{1,3}$/.test(text) || Number(text) > 365)
    throw new ValidationError('terms', value, 'payment terms in whole days, 0 to 365');
  return Number(text);
}

function checkDates(start: string, end: string | null): void {
  if (end !== null && end < start)
    throw new ValidationError('end', end, `must not be before the start date ${start}`);
}

/** Creates a draft contract; its number is CT-<year>-<sequence>, the year being the year of creation. */
export async function createContract(
  em: EntityManager,
  clock: Clock,
  input: ContractInput,
  actor: Actor,
): Promise<ContractView> {
  for (const field of ['owner', 'hospital', 'share', 'guarantee', 'frequency', 'start'] as const) {
    if (!input[field]?.trim()) throw new ValidationError(field, input[field], 'is required');
  }
  const shareBps = parsePercentToBasisPoints(input.share!, 'share');
  const guarantee = parseNaira(input.guarantee!, 'guarantee');
  const frequency = parseFrequency(input.frequency);
  const terms = parseTerms(input.terms);
  const start = requireCalendarDate(input.start!, 'start');
  const end = input.end?.trim() ? requireCalendarDate(input.end, 'end') : null;
  checkDates(start, end);
  const year = clock.now().year;
  return em.transactional(async (tem) => {
    const owner = await findOwner(tem, input.owner!);
    const hospital = await hospitalRepository(tem).getByRef(input.hospital!);
    await execute(tem, 'select pg_advisory_xact_lock($1)', [NUMBER_LOCK]);
    const next = (await queryOne<{ n: number }>(
      tem,
      `select coalesce(max(substring(number from 9)::int), 0) + 1 as n from contract where number like $1`,
      [`CT-${year}-%`],
    ))!.n;
    const number = `CT-${year}-${String(next).padStart(4, '0')}`;
    const now = clock.now().toISO()!;
    const row = (await queryOne<{ id: string }>(
      tem,
      `insert into contract (number, owner_id, hospital_id, share_bps, guarantee_kobo, frequency, payment_terms_days,
         start_date, end_date, notes, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8::date, $9::date, $10, $11::timestamptz, $11::timestamptz) returning id`,
      [
        number,
        owner.id,
        hospital.id,
        shareBps,
        guarantee.toString(),
        frequency,
        terms,
        start,
        end,
        input.notes?.trim() || null,
        now,
      ],
    ))!;
    await recordAudit(
      tem,
      actor,
      'contract',
      row.id,
      {
        action: 'create',
        number,
        owner: owner.id,
        hospital: hospital.code,
        shareBps,
        guarantee,
        frequency,
        start,
        end,
      },
      now,
    );
    return toView(await loadContract(tem, row.id));
  });
}

/** Changes a draft; any other state is a conflict (exit 5). */
export async function editContract(
  em: EntityManager,
  clock: Clock,
  ref: string,
  input: ContractInput,
  actor: Actor,
): Promise<ContractView> {
  return em.transactional(async (tem) => {
    const c = await loadContract(tem, ref, true);
    if (c.status !== 'draft')
      throw new ConflictError(
        'contract_not_draft',
        `contract ${c.number} is ${c.status}: only a draft can be edited`,
      );
    const changes: Record<string, unknown> = {};
    const set: string[] = [];
    const params: unknown[] = [c.id];
    const put = (column: string, value: unknown, cast = '') => {
      params.push(value);
      set.push(`${column} = $${params.length}${cast}`);
      changes[column] = value;
    };
    if (input.owner) put('owner_id', (await findOwner(tem, input.owner)).id);
    if (input.hospital) put('hospital_id', (await hospitalRepository(tem).getByRef(input.hospital)).id);
    if (input.share) put('share_bps', parsePercentToBasisPoints(input.share, 'share'));
    if (input.guarantee) put('guarantee_kobo', parseNaira(input.guarantee, 'guarantee').toString());
    if (input.frequency) put('frequency', parseFrequency(input.frequency));
    if (input.terms !== undefined && input.terms !== '') put('payment_terms_days', parseTerms(input.terms));
    const start = input.start ? requireCalendarDate(input.start, 'start') : c.start_date;
    let end = c.end_date;
    if (input.end !== undefined && input.end !== '')
      end = input.end.trim().toLowerCase() === 'none' ? null : requireCalendarDate(input.end, 'end');
    checkDates(start, end);
    if (start !== c.start_date) put('start_date', start, '::date');
    if (end !== c.end_date) put('end_date', end, '::date');
    if (input.notes !== undefined) put('notes', input.notes.trim() || null);
    if (set.length === 0)
      throw new ValidationError('flags', undefined, 'nothing to change: pass at least one field');
    const now = clock.now().toISO()!;
    params.push(now);
    await execute(
      tem,
      `update contract set ${set.join(', ')}, updated_at = $${params.length}::timestamptz where id = $1`,
      params,
    );
    await recordAudit(tem, actor, 'contract', c.id, { action: 'edit', number: c.number, ...changes }, now);
    return toView(await loadContract(tem, c.id));
  });
}

interface Clash {
  number: string;
  start_date: string;
  last_day: string | null;
  status: string;
}

async function findClash(em: EntityManager, c: ContractRecord): Promise<Clash | undefined> {
  return queryOne<Clash>(
    em,
    `select number, start_date::text, least(end_date, terminated_on)::text as last_day, status from contract
     where hospital_id = $1 and id <> $2
       and (status in ('active', 'expired') or (status = 'terminated' and terminated_on >= start_date))
       and daterange(start_date, least(end_date, terminated_on), '[]') && daterange($3::date, $4::date, '[]')
     order by start_date limit 1`,
    [c.hospital_id, c.id, c.start_date, c.end_date],
  );
}

function clashError(c: ContractRecord, clash: Clash): ConflictError {
  return new ConflictError(
    'contract_overlap',
    `hospital ${c.hospital_code} already has contract ${clash.number} (${clash.status}, ${clash.start_date} to ${clash.last_day ?? 'open-ended'}) overlapping ${c.start_date} to ${c.end_date ?? 'open-ended'}`,
  );
}

/**
 * Activates a draft: refuses an overlap with another contract in force for the hospital, creates
 * the milestones, and expires the contract at once when its end date has already passed.
 */
export async function activateContract(
  em: EntityManager,
  clock: Clock,
  ref: string,
  actor: Actor,
): Promise<ContractView & { milestones: number }> {
  const today = lagosDate(clock.now());
  const now = clock.now().toISO()!;
  return em.transactional(async (tem) => {
    const c = await loadContract(tem, ref, true);
    if (c.status !== 'draft')
      throw new ConflictError(
        'contract_not_draft',
        `contract ${c.number} is ${c.status}: only a draft can be activated`,
      );
    // Activations of one hospital take turns, so the check below sees every committed one.
    await execute(tem, 'select 1 from hospital where id = $1 for update', [c.hospital_id]);
    const clash = await findClash(tem, c);
    if (clash) throw clashError(c, clash);
    const expired = c.end_date !== null && c.end_date < today;
    try {
      await execute(
        tem,
        `update contract set status = $2, activated_at = $3::timestamptz, updated_at = $3::timestamptz,
           expired_at = case when $2 = 'expired' then $3::timestamptz end where id = $1`,
        [c.id, expired ? 'expired' : 'active', now],
      );
    } catch (error) {
      // The exclusion constraint caught what the check could not see (a concurrent activation).
      if ((error as { code?: string }).code === '23P01')
        throw new ConflictError(
          'contract_overlap',
          `hospital ${c.hospital_code} already has a contract in force overlapping ${c.start_date} to ${c.end_date ?? 'open-ended'}`,
        );
      throw error;
    }
    const planned = planMilestones(c.start_date, c.end_date);
    if (planned.length > 0) {
      await execute(
        tem,
        `insert into contract_milestone (contract_id, kind, due_date)
         select $1, k, d from unnest($2::text[], $3::date[]) as m(k, d) on conflict do nothing`,
        [c.id, planned.map((m) => m.kind), planned.map((m) => m.dueDate)],
      );
    }
    await recordAudit(
      tem,
      actor,
      'contract',
      c.id,
      { action: 'activate', number: c.number, expired, milestones: planned.length },
      now,
    );
    return { ...toView(await loadContract(tem, c.id)), milestones: planned.length };
  });
}

/** Ends an active contract with a reason; `effective` is the last day in force (default today). */
export async function terminateContract(
  em: EntityManager,
  clock: Clock,
  ref: string,
  input: { reason: string; effective?: string },
  actor: Actor,
): Promise<ContractView> {
  const reason = input.reason?.trim();
  if (!reason) throw new ValidationError('reason', input.reason, 'is required');
  const now = clock.now().toISO()!;
  const effective = input.effective
    ? requireCalendarDate(input.effective, 'effective')
    : lagosDate(clock.now());
  return em.transactional(async (tem) => {
    const c = await loadContract(tem, ref, true);
    if (c.status !== 'active')
      throw new ConflictError(
        'contract_not_active',
        `contract ${c.number} is ${c.status}: only an active contract can be terminated`,
      );
    if (c.end_date !== null && effective > c.end_date)
      throw new ValidationError('effective', effective, `is after the contract's end date ${c.end_date}`);
    // Terminating before the start leaves no day in force: the day before the start.
    const lastDay =
      effective < c.start_date
        ? (await queryOne<{ d: string }>(tem, 'select ($1::date - 1)::text as d', [c.start_date]))!.d
        : effective;
    await execute(
      tem,
      `update contract set status = 'terminated', termination_reason = $2, terminated_on = $3::date,
         terminated_at = $4::timestamptz, updated_at = $4::timestamptz where id = $1`,
      [c.id, reason, lastDay, now],
    );
    const cancelled = await execute(
      tem,
      `update contract_milestone set status = 'cancelled' where contract_id = $1 and status = 'pending' and due_date > $2::date`,
      [c.id, lastDay],
    );
    await recordAudit(
      tem,
      actor,
      'contract',
      c.id,
      {
        action: 'terminate',
        number: c.number,
        reason,
        terminatedOn: lastDay,
        milestonesCancelled: cancelled,
      },
      now,
    );
    return toView(await loadContract(tem, c.id));
  });
}

/** Expires active contracts whose end date has passed (Lagos calendar). Idempotent; safe from cron. */
export async function expireDueContracts(
  em: EntityManager,
  clock: Clock,
  actor: Actor,
): Promise<{ expired: string[] }> {
  const today = lagosDate(clock.now());
  const now = clock.now().toISO()!;
  return em.transactional(async (tem) => {
    const rows = await query<{ id: string; number: string; end_date: string }>(
      tem,
      `update contract set status = 'expired', expired_at = $2::timestamptz, updated_at = $2::timestamptz
       where status = 'active' and end_date < $1::date returning id, number, end_date::text`,
      [today, now],
    );
    for (const r of rows)
      await recordAudit(
        tem,
        actor,
        'contract',
        r.id,
        { action: 'expire', number: r.number, endDate: r.end_date },
        now,
      );
    return { expired: rows.map((r) => r.number).sort() };
  });
}

export async function listContracts(
  em: EntityManager,
  filters: { status?: string; hospital?: string; owner?: string },
): Promise<ContractView[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filters.status) {
    if (!(CONTRACT_STATUSES as readonly string[]).includes(filters.status))
      throw new ValidationError('status', filters.status, `use ${CONTRACT_STATUSES.join(', ')}`);
    params.push(filters.status);
    where.push(`c.status = $${params.length}`);
  }
  if (filters.hospital) {
    params.push((await hospitalRepository(em).getByRef(filters.hospital)).id);
    where.push(`c.hospital_id = $${params.length}`);
  }
  if (filters.owner) {
    params.push((await findOwner(em, filters.owner)).id);
    where.push(`c.owner_id = $${params.length}`);
  }
  const rows = await query<ContractRecord>(
    em,
    `${SELECT_CONTRACT} ${where.length ? `where ${where.join(' and ')}` : ''} order by c.number`,
    params,
  );
  return rows.map(toView);
}

export interface MilestoneView {
  id: string;
  contract: string;
  hospital: string;
  kind: string;
  dueDate: string;
  /** pending, overdue (pending and its date has passed), completed or cancelled. */
  status: string;
  completedAt: string | null;
  completedBy: string | null;
  notes: string | null;
}

interface MilestoneRecord {
  id: string;
  number: string;
  hospital_code: string;
  kind: string;
  due_date: string;
  status: string;
  completed_at: Date | string | null;
  completed_by: string | null;
  notes: string | null;
}

const SELECT_MILESTONE = `
  select m.id, c.number, h.code as hospital_code, m.kind, m.due_date::text, m.status, m.completed_at, m.completed_by, m.notes
  from contract_milestone m join contract c on c.id = m.contract_id join hospital h on h.id = c.hospital_id`;

function toMilestoneView(r: MilestoneRecord, today: string): MilestoneView {
  return {
    id: r.id,
    contract: r.number,
    hospital: r.hospital_code,
    kind: r.kind,
    dueDate: r.due_date,
    status: r.status === 'pending' && r.due_date < today ? 'overdue' : r.status,
    completedAt: r.completed_at ? ts(r.completed_at) : null,
    completedBy: r.completed_by,
    notes: r.notes,
  };
}

/** Milestones still to do: due within a window (overdue ones included), only overdue, or of one contract. */
export async function listMilestones(
  em: EntityManager,
  clock: Clock,
  filters: { dueWithin?: Duration; overdue?: boolean; contract?: string; all?: boolean },
): Promise<MilestoneView[]> {
  const today = lagosDate(clock.now());
  const where: string[] = [];
  const params: unknown[] = [];
  if (!filters.all) where.push(`m.status = 'pending'`);
  if (filters.contract) {
    params.push((await loadContract(em, filters.contract)).id);
    where.push(`m.contract_id = $${params.length}`);
  }
  if (filters.overdue) {
    params.push(today);
    where.push(`m.due_date < $${params.length}::date`);
  }
  if (filters.dueWithin) {
    params.push(lagosDate(clock.now().plus(filters.dueWithin)));
    where.push(`m.due_date <= $${params.length}::date`);
  }
  const rows = await query<MilestoneRecord>(
    em,
    `${SELECT_MILESTONE} ${where.length ? `where ${where.join(' and ')}` : ''} order by m.due_date, c.number, m.kind limit 1000`,
    params,
  );
  return rows.map((r) => toMilestoneView(r, today));
}

/** Completes a milestone (by id or a unique id prefix of at least 8 characters), with notes and who. */
export async function completeMilestone(
  em: EntityManager,
  clock: Clock,
  ref: string,
  notes: string,
  actor: Actor,
): Promise<MilestoneView> {
  if (!notes?.trim()) throw new ValidationError('notes', notes, 'is required');
  const text = ref.trim().toLowerCase();
  if (!/^[0-9a-f-]{8,36}$/.test(text)) throw new NotFoundError('milestone', ref);
  const now = clock.now().toISO()!;
  return em.transactional(async (tem) => {
    const rows = await query<{ id: string; status: string }>(
      tem,
      `select id, status from contract_milestone where id::text like $1 || '%' limit 2 for update`,
      [text],
    );
    if (rows.length === 0) throw new NotFoundError('milestone', ref);
    if (rows.length > 1)
      throw new ConflictError('milestone_ambiguous', `more than one milestone starts with ${ref}`);
    const m = rows[0];
    if (m.status !== 'pending')
      throw new ConflictError('milestone_not_pending', `milestone ${m.id} is ${m.status}`);
    await execute(
      tem,
      `update contract_milestone set status = 'completed', completed_at = $2::timestamptz, completed_by = $3, notes = $4 where id = $1`,
      [m.id, now, actor.operator, notes.trim()],
    );
    await recordAudit(tem, actor, 'contract_milestone', m.id, { action: 'complete' }, now);
    const row = (await queryOne<MilestoneRecord>(tem, `${SELECT_MILESTONE} where m.id = $1`, [m.id]))!;
    return toMilestoneView(row, lagosDate(clock.now()));
  });
}

export interface PerformancePeriod {
  period: string;
  status: string;
  grossRevenueKobo: number;
  ownerShareKobo: number;
  guaranteeKobo: number;
  topUpKobo: number;
  payoutKobo: number;
  netKobo: number;
}

export interface ContractPerformance {
  periods: PerformancePeriod[];
  revenueKobo: number;
  ownerShareKobo: number;
  /** What the guarantee cost the platform over the contract (top-ups of payouts not rejected). */
  topUpsKobo: number;
  periodsBelowGuarantee: number;
  paidKobo: number;
  /** Net amounts calculated, approved or exported but not yet paid. */
  outstandingKobo: number;
}

export interface ContractDetail extends ContractView {
  milestones: MilestoneView[];
  performance: ContractPerformance;
}

/** A contract with its milestones and its performance per payout period. */
export async function showContract(em: EntityManager, clock: Clock, ref: string): Promise<ContractDetail> {
  const c = await loadContract(em, ref);
  const today = lagosDate(clock.now());
  const milestones = (
    await query<MilestoneRecord>(
      em,
      `${SELECT_MILESTONE} where m.contract_id = $1 order by m.due_date, m.kind`,
      [c.id],
    )
  ).map((r) => toMilestoneView(r, today));
  const rows = await query<Record<string, string>>(
    em,
    `select period, status, gross_revenue_kobo::text as gross, owner_share_kobo::text as share,
       guarantee_kobo::text as guarantee, top_up_kobo::text as top_up, payout_kobo::text as payout, net_kobo::text as net
     from payout where contract_id = $1 order by period_start`,
    [c.id],
  );
  const k = (v: string) => BigInt(v);
  let revenue = 0n;
  let share = 0n;
  let topUps = 0n;
  let below = 0;
  let paid = 0n;
  let outstanding = 0n;
  for (const r of rows) {
    if (r.status === 'rejected') continue;
    revenue += k(r.gross);
    share += k(r.share);
    topUps += k(r.top_up);
    if (k(r.top_up) > 0n) below++;
    if (r.status === 'paid') paid += k(r.net);
    else outstanding += k(r.net);
  }
  return {
    ...toView(c),
    milestones,
    performance: {
      periods: rows.map((r) => ({
        period: r.period,
        status: r.status,
        grossRevenueKobo: koboToJson(k(r.gross)),
        ownerShareKobo: koboToJson(k(r.share)),
        guaranteeKobo: koboToJson(k(r.guarantee)),
        topUpKobo: koboToJson(k(r.top_up)),
        payoutKobo: koboToJson(k(r.payout)),
        netKobo: koboToJson(k(r.net)),
      })),
      revenueKobo: koboToJson(revenue),
      ownerShareKobo: koboToJson(share),
      topUpsKobo: koboToJson(topUps),
      periodsBelowGuarantee: below,
      paidKobo: koboToJson(paid),
      outstandingKobo: koboToJson(outstanding),
    },
  };
}
