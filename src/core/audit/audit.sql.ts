/**
 * Set-based reads of the audit log: the chain check over every row, and the filtered listing.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { query, queryOne } from '../db/sql.js';

export interface ChainBreak {
  seq: string;
  id: string | null;
  problem: 'missing' | 'altered' | 'relinked' | 'head';
}

/**
 * The first place where the chain does not hold, in chain order, or none. Each row's hash is
 * recomputed from its content and the hash before it (crm_audit_hash); a deleted row shows as a
 * gap in chain_seq, an edited one as a hash that does not match, a row moved or re-chained as a
 * prev_hash that is not the hash of the row before; the head must name the last row.
 */
export async function firstChainBreak(em: EntityManager): Promise<ChainBreak | undefined> {
  const row = await queryOne<ChainBreak>(
    em,
    `with chain as (
       select id, chain_seq, hash, prev_hash,
              lag(chain_seq) over w as before_seq,
              lag(hash) over w as before_hash,
              crm_audit_hash(prev_hash, chain_seq, at, operator, command, entity, entity_id, summary) as recomputed
         from audit_log window w as (order by chain_seq))
     select chain_seq::text as seq, id::text as id,
            case when chain_seq <> coalesce(before_seq, 0) + 1 then 'missing'
                 when prev_hash <> coalesce(before_hash, sha256(convert_to('crm audit log', 'UTF8'))) then 'relinked'
                 else 'altered' end as problem
       from chain
      where chain_seq <> coalesce(before_seq, 0) + 1
         or prev_hash <> coalesce(before_hash, sha256(convert_to('crm audit log', 'UTF8')))
         or hash <> recomputed
      order by chain_seq limit 1`,
  );
  if (row) return row;
  // Nothing broken inside: the head must be the last row (rows deleted from the end).
  return queryOne<ChainBreak>(
    em,
    `select h.seq::text as seq, null as id, 'head' as problem
       from audit_chain_head h
       left join audit_log a on a.chain_seq = h.seq
      where a.hash is distinct from h.hash
         or exists (select 1 from audit_log b where b.chain_seq > h.seq)`,
  );
}

export interface ChainSummary {
  rows: string;
  headSeq: string;
  headHash: string;
}

export async function chainSummary(em: EntityManager): Promise<ChainSummary> {
  return (await queryOne<ChainSummary>(
    em,
    `select (select count(*) from audit_log)::text as rows, h.seq::text as "headSeq",
            encode(h.hash, 'hex') as "headHash"
       from audit_chain_head h`,
  ))!;
}

export interface AuditFilters {
  since?: string;
  operator?: string;
  entity?: string;
  limit: number;
}

export interface AuditRow {
  seq: string;
  at: Date;
  operator: string;
  command: string;
  entity: string;
  entityId: string | null;
  summary: Record<string, unknown>;
}

/** The newest rows that match every filter, oldest first. */
export async function findAuditRows(em: EntityManager, filters: AuditFilters): Promise<AuditRow[]> {
  return query<AuditRow>(
    em,
    `select * from (
       select chain_seq::text as seq, at, operator, command, entity, entity_id as "entityId", summary
         from audit_log
        where ($1::timestamptz is null or at >= $1::timestamptz)
          and ($2::text is null or operator = $2)
          and ($3::text is null or entity = $3)
        order by chain_seq desc limit $4) newest
     order by seq::bigint`,
    [filters.since ?? null, filters.operator ?? null, filters.entity ?? null, filters.limit],
  );
}
