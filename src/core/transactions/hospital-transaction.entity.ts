import type { InferEntity } from '@mikro-orm/core';
import { mikroCore } from '../db/mikro-orm.js';
import { Hospital } from '../hospitals/hospital.entity.js';

const { defineEntity } = mikroCore;

/**
 * One payment or refund of a hospital, as imported (`crm transaction import`). Rows are written
 * only by the import's COPY and INSERT … SELECT (transaction-import.sql.ts,
 * transaction-direct-copy.ts), never one by one. The unique reference (bytewise, `collate "C"`),
 * the checks and the revenue rollup's triggers (which also guard the hospital in place of a
 * foreign key) live in migrations/.
 */
export const HospitalTransaction = defineEntity({
  name: 'HospitalTransaction',
  tableName: 'hospital_transaction',
  properties: (p) => ({
    /** `bigint generated always as identity`: the database numbers the rows. */
    id: p.bigint('string').primary().autoincrement(),
    reference: p.text().unique(),
    hospital: p.manyToOne(Hospital),
    occurredAt: p.datetime(),
    amountKobo: p.bigint('bigint'),
    kind: p.text(),
    /** The time of the importing database transaction (the column default). */
    importedAt: p.datetime().defaultRaw('now()'),
    /** A void: the row this one compensates (opposite kind, same amount, hospital and time). */
    voidsId: p.bigint('string').nullable(),
    voidReason: p.text().nullable(),
  }),
});
export type HospitalTransaction = InferEntity<typeof HospitalTransaction>;
