/** `audit list`: the newest audit rows, filtered by time, operator and entity. */
import type { ServiceContext } from '../context.js';
import { ValidationError } from '../errors.js';
import { parseDateTime, toIsoLagos } from '../time.js';
import { findAuditRows } from './audit.sql.js';

export interface AuditListFilters {
  since?: string;
  operator?: string;
  entity?: string;
  limit?: string;
}

export interface AuditEntry {
  seq: number;
  at: string;
  operator: string;
  command: string;
  entity: string;
  entityId: string | null;
  summary: Record<string, unknown>;
}

export async function listAudit(ctx: ServiceContext, filters: AuditListFilters): Promise<AuditEntry[]> {
  const limit = filters.limit === undefined ? 50 : Number(filters.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000)
    throw new ValidationError('limit', filters.limit, 'use a whole number from 1 to 100000');
  const rows = await findAuditRows(ctx.em, {
    since: filters.since === undefined ? undefined : parseDateTime(filters.since, 'since').toISO()!,
    operator: filters.operator?.trim().toLowerCase() || undefined,
    entity: filters.entity?.trim().toLowerCase() || undefined,
    limit,
  });
  return rows.map((r) => ({ ...r, seq: Number(r.seq), at: toIsoLagos(new Date(r.at)) }));
}
