import type { InferEntity } from '@mikro-orm/core';
import { mikroCore } from '../db/mikro-orm.js';

const { defineEntity } = mikroCore;

/**
 * One line of the append-only audit log: who changed what, through which command. Rows are only
 * ever inserted (`recordAudit`, `em.insert`); the table's triggers (foundation migration) refuse
 * UPDATE and DELETE, so the entity is `readonly`: flush never computes a change set for it.
 * The database fills `at` (its own clock), `operator` (the login, for a person) and the chain
 * (`chainSeq`, `prevHash`, `hash`: access-control migration) on insert.
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
    /** Position in the hash chain: 1, 2, 3, … with no gaps. */
    chainSeq: p.bigint('bigint').unique(),
    /** The hash of the row before (of a fixed genesis text for the first). */
    prevHash: p.blob(),
    /** sha256 over prevHash and this row's content (crm_audit_hash). */
    hash: p.blob(),
  }),
});
export type AuditLog = InferEntity<typeof AuditLog>;

/** The end of the audit chain: its last position and hash. One row, written only by the insert trigger. */
export const AuditChainHead = defineEntity({
  name: 'AuditChainHead',
  tableName: 'audit_chain_head',
  readonly: true,
  properties: (p) => ({
    onlyRow: p.boolean().primary().fieldName('only_row'),
    seq: p.bigint('bigint'),
    hash: p.blob(),
  }),
});
export type AuditChainHead = InferEntity<typeof AuditChainHead>;
