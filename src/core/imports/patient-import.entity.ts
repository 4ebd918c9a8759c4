import type { InferEntity } from '@mikro-orm/core';
import { mikroCore } from '../db/mikro-orm.js';

const { defineEntity } = mikroCore;

/**
 * The checkpoint of a resumable patient import: which file (its SHA-256) with which options, how
 * many data rows its committed batches cover and their counts, and when it finished. The unique
 * index "one unfinished import per file and options" lives in migrations/ (a partial index).
 * Batches advance it in their own pipelined scripts (patient-upsert.sql.ts); single-row reads
 * and writes outside the batches go through this entity.
 */
export const PatientImport = defineEntity({
  name: 'PatientImport',
  tableName: 'patient_import',
  properties: (p) => ({
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    fileSha256: p.text().fieldName('file_sha256'),
    optionsKey: p.text(),
    fileName: p.text(),
    operator: p.text(),
    startedAt: p.datetime().defaultRaw('now()'),
    finishedAt: p.datetime().nullable(),
    rowsCommitted: p.integer().default(0),
    inserted: p.integer().default(0),
    updated: p.integer().default(0),
    unchanged: p.integer().default(0),
  }),
});
export type PatientImport = InferEntity<typeof PatientImport>;
