/**
 * Read models of payouts that join the contract, hospital and owner tables (owned by other
 * domains), and the rollup counts `payout show` prints.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { query, queryOne } from '../db/sql.js';
import type { PayoutStatus } from './payout.entity.js';
import type { PayoutParties } from './payout.view.js';

/** The select list of PayoutParties, from `c` (contract), `h` (hospital) and `o` (owner). */
const PARTIES = `c.number as contract, h.code as hospital, o.id as owner, o.name as "ownerName",
  o.tax_type as "taxType"`;
const JOIN_PARTIES = 'join hospital h on h.id = c.hospital_id join owner o on o.id = c.owner_id';

/** Who a contract's payouts are between: its number, its hospital's code, its owner. */
export async function partiesOfContract(em: EntityManager, contractId: string): Promise<PayoutParties> {
  return (await queryOne<PayoutParties>(
    em,
    `select ${PARTIES} from contract c ${JOIN_PARTIES} where c.id = $1`,
    [contractId],
  ))!;
}

export interface PayoutFilters {
  /** The period's label (`2026-10`, `2026-Q4`). */
  period?: string;
  status?: PayoutStatus;
  /** A hospital code, upper case. */
  hospital?: string;
  /** A contract number, upper case. */
  contract?: string;
}

/**
 * The payouts that match every given filter, each with its parties, by period start then
 * contract number: the ids and names `payout list` prints beside each payout.
 */
export async function findPayoutParties(
  em: EntityManager,
  filters: PayoutFilters,
): Promise<(PayoutParties & { id: string })[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const filter = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    params.push(value);
    where.push(`${column} = $${params.length}`);
  };
  filter('p.period', filters.period);
  filter('p.status', filters.status);
  filter('h.code', filters.hospital);
  filter('c.number', filters.contract);
  return query<PayoutParties & { id: string }>(
    em,
    `select p.id, ${PARTIES}
     from payout p join contract c on c.id = p.contract_id ${JOIN_PARTIES}
     ${where.length ? `where ${where.join(' and ')}` : ''}
     order by p.period_start, c.number`,
    params,
  );
}

/**
 * How many payments and refunds a contract's hospital took on the days of a period the contract
 * was in force: the day counts of the revenue rollup, the same days the run's revenue sums.
 */
export async function countTransactionsInForce(
  em: EntityManager,
  contractId: string,
  periodStart: string,
  periodEnd: string,
): Promise<{ payments: number; refunds: number }> {
  return (await queryOne<{ payments: number; refunds: number }>(
    em,
    `select coalesce(sum(r.payment_count), 0)::int as payments, coalesce(sum(r.refund_count), 0)::int as refunds
     from contract c join hospital_revenue_day r on r.hospital_id = c.hospital_id
     where c.id = $1
       and r.day between greatest(c.start_date, $2::date)
         and least(coalesce(least(c.end_date, c.terminated_on), $3::date), $3::date)`,
    [contractId, periodStart, periodEnd],
  ))!;
}
