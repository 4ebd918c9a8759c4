/**
 * An owner's history for `crm analytics owner`, one grouped statement per part. $1 the owner's id.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../db/sql.js';

export interface OwnerPeriodRow {
  period: string;
  hospitals: string;
  payouts: string;
  gross_revenue_kobo: string;
  owner_share_kobo: string;
  top_up_kobo: string;
  net_kobo: string;
  statuses: string[];
}

/**
 * Revenue and payouts by payout period, over all the owner's contracts: the payouts that stand
 * (rejected and void ones left out), with the statuses they are in.
 */
export async function ownerPayoutPeriods(em: EntityManager, ownerId: string): Promise<OwnerPeriodRow[]> {
  return query<OwnerPeriodRow>(
    em,
    `select p.period, string_agg(distinct h.code, ',' order by h.code) as hospitals, count(*) as payouts,
            sum(p.gross_revenue_kobo) as gross_revenue_kobo, sum(p.owner_share_kobo) as owner_share_kobo,
            sum(p.top_up_kobo) as top_up_kobo, sum(p.net_kobo) as net_kobo,
            array_agg(distinct p.status order by p.status) as statuses
     from payout p join contract c on c.id = p.contract_id join hospital h on h.id = c.hospital_id
     where c.owner_id = $1::uuid and p.status not in ('rejected', 'void')
     group by p.period, p.period_start order by p.period_start`,
    [ownerId],
  );
}

export interface OwnerMonthRow {
  month: string;
  ratings: string;
  average: string | null;
  would_recommend: string;
  recommend_answers: string;
}

/** Satisfaction ratings by Lagos month: how many, their average, and the share who would recommend. */
export async function ownerSatisfactionTrend(em: EntityManager, ownerId: string): Promise<OwnerMonthRow[]> {
  return query<OwnerMonthRow>(
    em,
    `select to_char(recorded_at at time zone 'Africa/Lagos', 'YYYY-MM') as month, count(*) as ratings,
            avg(rating) as average, count(*) filter (where would_recommend) as would_recommend,
            count(would_recommend) as recommend_answers
     from owner_satisfaction where owner_id = $1::uuid group by 1 order by 1`,
    [ownerId],
  );
}

export interface OwnerCommunicationRow {
  month: string;
  channel: string;
  direction: string;
  count: string;
}

/** Communications with the owner by Lagos month, channel and direction. */
export async function ownerCommunicationCounts(
  em: EntityManager,
  ownerId: string,
): Promise<OwnerCommunicationRow[]> {
  return query<OwnerCommunicationRow>(
    em,
    `select to_char(occurred_at at time zone 'Africa/Lagos', 'YYYY-MM') as month, channel, direction, count(*) as count
     from owner_communications where owner_id = $1::uuid group by 1, 2, 3 order by 1, 2, 3`,
    [ownerId],
  );
}
