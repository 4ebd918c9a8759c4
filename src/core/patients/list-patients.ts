/**
 * `crm patient list`: no MikroORM is loaded on this path (core/db/reader.ts), so nothing here
 * may import an entity or a repository.
 */
import type { SqlReader } from '../db/sql.js';
import { hospitalIdByRef } from '../hospitals/hospital.sql.js';
import type { Clock } from '../time.js';
import { type PatientView, patientViewOfRow } from './patient.view.js';
import { listPatientRows } from './patient-list.sql.js';

export interface ListPatientsInput {
  hospital?: string;
  inactiveDays?: number;
  limit?: number;
}

/**
 * Patients by name (then id), at most `limit` (default 100): of one home hospital, and/or without
 * a visit (or, never seen, a creation) in the last `inactiveDays` days. Read without the ORM
 * (core/db/reader.ts).
 */
export async function listPatients(
  read: SqlReader,
  clock: Clock,
  input: ListPatientsInput,
): Promise<PatientView[]> {
  const rows = await listPatientRows(read, {
    hospitalId: input.hospital === undefined ? undefined : await hospitalIdByRef(read, input.hospital),
    inactiveSince:
      input.inactiveDays === undefined ? undefined : clock.now().minus({ days: input.inactiveDays }).toISO()!,
    limit: input.limit ?? 100,
  });
  return rows.map(patientViewOfRow);
}
