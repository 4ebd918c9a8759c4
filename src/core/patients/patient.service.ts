/**
 * What other domains imported from here before patients moved to one operation per file
 * (add-patient.ts, opt-out-patient.ts, patient.queries.ts, patient.repository.ts).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { patientRepository } from './patient.repository.js';
import { type PatientView, toPatientView } from './patient.view.js';

export type { PatientView } from './patient.view.js';

/**
 * Finds one patient by id, phone (any written form) or MRN; several matches are a conflict.
 * @deprecated kept for other domains until the merge: use `patientRepository(em).getByRef(ref)`
 * (the entity) or `showPatient(ctx, ref)` (the view).
 */
export async function findPatient(em: EntityManager, ref: string): Promise<PatientView> {
  return toPatientView(await patientRepository(em).getByRef(ref));
}
