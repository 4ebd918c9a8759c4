/** The read behind a payout confirmation: which payouts a decision would touch, and to whom. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../db/sql.js';

export interface PayoutPreviewRow {
  reference: string;
  period: string;
  status: string;
  ownerName: string;
  hospitalCode: string;
  netKobo: bigint;
}

/**
 * The payouts named by id, or a period's payouts in the given statuses, with their owner and
 * hospital, in contract number order. Nothing is locked: the operation that follows the
 * confirmation reads (and locks) them again.
 */
export async function payoutsToPreview(
  em: EntityManager,
  where: { ids: string[] } | { period: string; statuses: string[] },
): Promise<PayoutPreviewRow[]> {
  const [condition, params] =
    'ids' in where
      ? ['p.id = any($1::uuid[])', [where.ids]]
      : ['p.period = $1 and p.status = any($2::text[])', [where.period, where.statuses]];
  const rows = await query<Omit<PayoutPreviewRow, 'netKobo'> & { netKobo: string }>(
    em,
    `select p.reference, p.period, p.status, o.name as "ownerName", h.code as "hospitalCode",
       p.net_kobo::text as "netKobo"
     from payout p join contract c on c.id = p.contract_id join owner o on o.id = c.owner_id
       join hospital h on h.id = c.hospital_id
     where ${condition}
     order by p.period_start, c.number`,
    params,
  );
  return rows.map((r) => ({ ...r, netKobo: BigInt(r.netKobo) }));
}
