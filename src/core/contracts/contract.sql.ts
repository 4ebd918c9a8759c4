/**
 * The contracts' set-based and report SQL: the numbering sequence, the overlap check, the
 * milestones of an activation, the daily expiry and the payouts behind a contract's performance.
 * Single-row reads and changes go through the entities (contract.entity.ts).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { execute, query, queryOne } from '../db/sql.js';
import type { PlannedMilestone } from './milestone.planner.js';

/** Advisory lock key that serialises contract numbering. */
const NUMBER_LOCK = 73_010_002;

/**
 * The next contract number of a year, `CT-<year>-<sequence>` (4 digits at least): one more than
 * the highest sequence of that year. Numbering takes turns under a transaction-scoped advisory
 * lock, so two creations at once never pick the same number.
 */
export async function nextContractNumber(em: EntityManager, year: number): Promise<string> {
  await execute(em, 'select pg_advisory_xact_lock($1)', [NUMBER_LOCK]);
  const next = (await queryOne<{ n: number }>(
    em,
    `select coalesce(max(substring(number from 9)::int), 0) + 1 as n from contract where number like $1`,
    [`CT-${year}-%`],
  ))!.n;
  return `CT-${year}-${String(next).padStart(4, '0')}`;
}

export interface OverlappingContract {
  number: string;
  start_date: string;
  /** Last day in force: the earlier of the end date and the termination day; null when open-ended. */
  last_day: string | null;
  status: string;
}

/**
 * The first (by start date) other contract of the hospital in force on a day of `start`..`end`
 * (inclusive, `end` null for open-ended): the same condition as the `contract_no_overlap`
 * exclusion constraint, so that activation can name the contract in the way.
 */
export async function findOverlappingContract(
  em: EntityManager,
  c: { id: string; hospitalId: string; start: string; end: string | null },
): Promise<OverlappingContract | undefined> {
  return queryOne<OverlappingContract>(
    em,
    `select number, start_date::text, least(end_date, terminated_on)::text as last_day, status from contract
     where hospital_id = $1 and id <> $2
       and (status in ('active', 'expired') or (status = 'terminated' and terminated_on >= start_date))
       and daterange(start_date, least(end_date, terminated_on), '[]') && daterange($3::date, $4::date, '[]')
     order by start_date limit 1`,
    [c.hospitalId, c.id, c.start, c.end],
  );
}

/** Inserts a contract's planned milestones in one statement (one already there is left as it is). */
export async function insertMilestones(
  em: EntityManager,
  contractId: string,
  planned: readonly PlannedMilestone[],
): Promise<void> {
  if (planned.length === 0) return;
  await execute(
    em,
    `insert into contract_milestone (contract_id, kind, due_date)
     select $1, k, d from unnest($2::text[], $3::date[]) as m(k, d) on conflict do nothing`,
    [contractId, planned.map((m) => m.kind), planned.map((m) => m.dueDate)],
  );
}

/**
 * Expires every active contract whose end date is before `today` (a Lagos calendar day) and
 * returns those it expired, with their end dates.
 */
export async function expireContractsEndedBefore(
  em: EntityManager,
  today: string,
  now: string,
): Promise<{ id: string; number: string; end_date: string }[]> {
  return query<{ id: string; number: string; end_date: string }>(
    em,
    `update contract set status = 'expired', expired_at = $2::timestamptz, updated_at = $2::timestamptz
     where status = 'active' and end_date < $1::date returning id, number, end_date::text`,
    [today, now],
  );
}

/** A payout of a contract as its performance shows it; amounts in kobo, as text. */
export interface ContractPayoutRow {
  period: string;
  status: string;
  gross: string;
  share: string;
  guarantee: string;
  top_up: string;
  payout: string;
  net: string;
}

/** Every payout of a contract (rejected ones included), by period. */
export async function contractPayouts(em: EntityManager, contractId: string): Promise<ContractPayoutRow[]> {
  return query<ContractPayoutRow>(
    em,
    `select period, status, gross_revenue_kobo::text as gross, owner_share_kobo::text as share,
       guarantee_kobo::text as guarantee, top_up_kobo::text as top_up, payout_kobo::text as payout, net_kobo::text as net
     from payout where contract_id = $1 order by period_start`,
    [contractId],
  );
}

/**
 * The names of owners by id, for contract lists: one query for a whole list. (The contract maps
 * its owner as a plain id; making it a relation to Owner, populated with the hospital, would
 * replace this.)
 */
export async function ownerNames(
  em: EntityManager,
  ownerIds: readonly string[],
): Promise<Map<string, string>> {
  if (ownerIds.length === 0) return new Map();
  const rows = await query<{ id: string; name: string }>(
    em,
    'select id, name from owner where id = any($1::uuid[])',
    [[...new Set(ownerIds)]],
  );
  return new Map(rows.map((r) => [r.id, r.name]));
}
