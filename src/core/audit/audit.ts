import type { EntityManager } from '@mikro-orm/postgresql';
import { sqlLiteral } from '../db/sql.js';
import { AuditLog } from './audit-log.entity.js';

/** Who did something, and through which command: carried by every mutating service call. */
export interface Actor {
  operator: string;
  /** The command line as the operator typed it, without secrets (`crm patient import x.csv`). */
  command: string;
}

/**
 * Appends one audit_log row on the EntityManager's current transaction, so that the record of a
 * change commits or rolls back with the change itself. The table refuses UPDATE and DELETE: the
 * row is inserted directly (`em.insert`), never managed by the unit of work. The database sets
 * the time (its own clock, whatever CRM_NOW says), the operator of a person's login and the
 * row's place in the hash chain. The chain's head stays locked until commit, so a transaction
 * records its audit rows last.
 */
export async function recordAudit(
  em: EntityManager,
  actor: Actor,
  entity: string,
  entityId: string | null,
  summary: Record<string, unknown>,
): Promise<void> {
  await em.insert(AuditLog, {
    operator: actor.operator,
    command: actor.command,
    entity,
    entityId,
    // Through JSON text and back: bigints (kobo) are written as strings, as in auditStatement.
    summary: JSON.parse(JSON.stringify(summary, bigintReplacer)),
  } as never);
}

const AUDIT_INSERT = 'insert into audit_log (operator, command, entity, entity_id, summary)';

/**
 * The statement recordAudit's insert amounts to, with its values written in (sqlLiteral): for a
 * batch that sends its last statements and its commit in one round trip.
 */
export function auditStatement(
  actor: Actor,
  entity: string,
  entityId: string | null,
  summary: Record<string, unknown>,
): string {
  const values = [
    sqlLiteral(actor.operator),
    sqlLiteral(actor.command),
    sqlLiteral(entity),
    sqlLiteral(entityId),
    `${sqlLiteral(JSON.stringify(summary, bigintReplacer))}::jsonb`,
  ];
  return `${AUDIT_INSERT} values (${values.join(', ')})`;
}

function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
