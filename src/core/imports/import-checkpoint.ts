/**
 * The checkpoint of a resumable import (table patient_import): one unfinished row per file
 * (SHA-256) and options. Batches advance it inside their own transactions, in their pipelined
 * scripts (checkpointStatements); starting, resuming and finishing go through the entity.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { execute, sqlLiteral } from '../db/sql.js';
import { PatientImport } from './patient-import.entity.js';

/** What a checkpoint says when an import starts: the rows and counts of earlier runs' batches. */
export interface ImportCheckpoint {
  id: string;
  rowsCommitted: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

/**
 * Creates the unfinished checkpoint of a file and options unless there is one. ON CONFLICT DO
 * NOTHING against the partial unique index patient_import_unfinished: two runners of the same
 * file starting at once end up with the same row.
 */
const START_CHECKPOINT = `insert into patient_import (file_sha256, options_key, file_name, operator) values ($1, $2, $3, $4)
  on conflict (file_sha256, options_key) where finished_at is null do nothing`;

/** The unfinished checkpoint of the file and options, created when there is none. */
export async function startOrResume(
  em: EntityManager,
  key: { fileSha256: string; optionsKey: string; fileName: string; operator: string },
): Promise<ImportCheckpoint> {
  await execute(em, START_CHECKPOINT, [key.fileSha256, key.optionsKey, key.fileName, key.operator]);
  const row = await em.findOneOrFail(PatientImport, {
    fileSha256: key.fileSha256,
    optionsKey: key.optionsKey,
    finishedAt: null,
  });
  const { id, rowsCommitted, inserted, updated, unchanged } = row;
  return { id, rowsCommitted, inserted, updated, unchanged };
}

/** Marks the import finished: a later run of the same file is a new import. */
export async function finishCheckpoint(em: EntityManager, id: string, at: Date): Promise<void> {
  const row = await em.findOneOrFail(PatientImport, { id });
  row.finishedAt = at;
  await em.flush();
}

/** Inside a batch's transaction: locks the checkpoint row and reads how far it is (`rows_committed`). */
export function lockCheckpointStatement(id: string): string {
  return `select rows_committed from patient_import where id = ${sqlLiteral(id)} for update`;
}

/** Inside a batch's transaction: the checkpoint moves to data row `end`, adding the batch's counts. */
export function advanceCheckpointStatement(
  id: string,
  end: number,
  counts: { inserted: number; updated: number; unchanged: number },
): string {
  return `update patient_import set rows_committed = ${end}, inserted = inserted + ${counts.inserted},
    updated = updated + ${counts.updated}, unchanged = unchanged + ${counts.unchanged}
  where id = ${sqlLiteral(id)}`;
}
