import type { EntityManager } from '@mikro-orm/postgresql';
import { execute } from '../db/sql.js';

/** Who did something, and through which command: carried by every mutating service call. */
export interface Actor {
  operator: string;
  /** The command line as the operator typed it, without secrets (`crm patient import x.csv`). */
  command: string;
}

/**
 * Appends one audit_log row on the EntityManager's current transaction, so that the record of a
 * change commits or rolls back with the change itself. The table refuses UPDATE and DELETE.
 */
export async function recordAudit(
  em: EntityManager,
  actor: Actor,
  entity: string,
  entityId: string | null,
  summary: Record<string, unknown>,
  at?: string,
): Promise<void> {
  await execute(
    em,
    `insert into audit_log (at, operator, command, entity, entity_id, summary)
     values (coalesce($1::timestamptz, now()), $2, $3, $4, $5, $6::jsonb)`,
    [at ?? null, actor.operator, actor.command, entity, entityId, JSON.stringify(summary, bigintReplacer)],
  );
}

function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
