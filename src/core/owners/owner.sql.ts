import type { EntityManager } from '@mikro-orm/postgresql';
import { query, queryOne } from '../db/sql.js';
import type { OwnerContractView, SatisfactionSummary } from './owner.view.js';

/** How many active contracts each owner has (owners without one are absent). */
export async function countActiveContractsPerOwner(em: EntityManager): Promise<Map<string, number>> {
  const rows = await query<{ id: string; contracts: number }>(
    em,
    `select owner_id as id, count(*)::int as contracts from contract
     where status = 'active' group by owner_id`,
  );
  return new Map(rows.map((r) => [r.id, r.contracts]));
}

/** An owner's contracts with their hospital's code, by start date then number. */
export async function ownerContracts(em: EntityManager, ownerId: string): Promise<OwnerContractView[]> {
  const rows = await query<{
    number: string;
    hospital: string;
    status: string;
    start_date: string;
    end_date: string | null;
  }>(
    em,
    `select c.number, h.code as hospital, c.status, c.start_date::text, c.end_date::text
     from contract c join hospital h on h.id = c.hospital_id where c.owner_id = $1 order by c.start_date, c.number`,
    [ownerId],
  );
  return rows.map((c) => ({
    number: c.number,
    hospital: c.hospital,
    status: c.status,
    startDate: c.start_date,
    endDate: c.end_date,
  }));
}

/**
 * Satisfaction averages (rounded to 2 places by the database) per category and overall, and the
 * share of would-recommend answers that were yes (to 3 places), of one owner or of all.
 */
export async function satisfactionSummary(em: EntityManager, ownerId?: string): Promise<SatisfactionSummary> {
  const where = ownerId ? 'where owner_id = $1' : '';
  const params = ownerId ? [ownerId] : [];
  const byCategory = await query<{ category: string; n: number; avg: string }>(
    em,
    `select category, count(*)::int as n, round(avg(rating), 2)::text as avg from owner_satisfaction ${where}
     group by category order by category`,
    params,
  );
  const overall = (await queryOne<{ n: number; avg: string | null; yes: number; answered: number }>(
    em,
    `select count(*)::int as n, round(avg(rating), 2)::text as avg,
       count(*) filter (where would_recommend)::int as yes,
       count(would_recommend)::int as answered
     from owner_satisfaction ${where}`,
    params,
  ))!;
  return {
    responses: overall.n,
    averageRating: overall.avg === null ? null : Number(overall.avg),
    byCategory: Object.fromEntries(
      byCategory.map((c) => [c.category, { responses: c.n, averageRating: Number(c.avg) }]),
    ),
    wouldRecommendShare:
      overall.answered === 0 ? null : Math.round((overall.yes / overall.answered) * 1000) / 1000,
  };
}
