import type { EntityManager } from '@mikro-orm/postgresql';
import { queryOne } from '../db/sql.js';
import { NO_HOSPITAL } from './patient.entity.js';

/** What `patient add` knows of a new patient, to look for the same patient already recorded. */
export interface PatientIdentity {
  hospitalId: string | null;
  externalId: string | null;
  phone: string | null;
  firstName: string;
  lastName: string;
}

/**
 * The id of a patient that a new one would duplicate, if any: the same MRN at the same home
 * hospital (none counting as one), or the same phone and names (any case) at the same hospital.
 * Each branch is keyed so that one index serves it: (hospital, MRN) the unique key
 * patient_hospital_external_id, the phone its own index (the hospital as a filter there, written
 * `is not distinct from`, not as a scan of all the hospital's patients). An entity query cannot
 * write these keys, hence SQL.
 */
export async function findDuplicatePatient(
  em: EntityManager,
  p: PatientIdentity,
): Promise<string | undefined> {
  const row = await queryOne<{ id: string }>(
    em,
    `select id from patient
     where (coalesce(hospital_id, ${NO_HOSPITAL}) = coalesce($1::uuid, ${NO_HOSPITAL}) and external_id = $2)
        or (phone = $3 and hospital_id is not distinct from $1::uuid
            and lower(first_name) = lower($4) and lower(last_name) = lower($5))
     limit 1`,
    [p.hospitalId, p.externalId, p.phone, p.firstName, p.lastName],
  );
  return row?.id;
}
