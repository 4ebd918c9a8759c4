import type { InferEntity } from '@mikro-orm/core';
import { mikroCore } from '../db/mikro-orm.js';

const { defineEntity } = mikroCore;

/**
 * One line of the append-only audit log: who changed what, through which command. Rows are only
 * ever inserted (`recordAudit`, `em.insert`); the table's triggers (foundation migration) refuse
 * UPDATE and DELETE, so the entity is `readonly`: flush never computes a change set for it.
 */
export const AuditLog = defineEntity({
  name: 'AuditLog',
  tableName: 'audit_log',
  readonly: true,
  properties: (p) => ({
    id: p.bigint('bigint').primary().autoincrement(),
    at: p.datetime().defaultRaw('now()'),
    operator: p.text(),
    command: p.text(),
    entity: p.text(),
    entityId: p.text().nullable(),
    summary: p.json<Record<string, unknown>>().defaultRaw(`'{}'::jsonb`),
  }),
});
export type AuditLog = InferEntity<typeof AuditLog>;
