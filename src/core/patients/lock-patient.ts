import type { EntityManager } from '@mikro-orm/postgresql';
import { mikroCore } from '../db/mikro-orm.js';
import { ConflictError } from '../errors.js';
import type { Patient } from './patient.entity.js';
import { patientRepository } from './patient.repository.js';

/**
 * The patient a reference names, row-locked (FOR UPDATE) with its hospital, for a correction;
 * an erased patient is refused (exit 5) unless `erased` allows it.
 */
export async function lockPatientForCorrection(
  em: EntityManager,
  ref: string,
  options: { erased?: 'refuse' | 'allow' } = {},
): Promise<Patient> {
  const repository = patientRepository(em);
  const found = await repository.getByRef(ref);
  const patient = await repository.findOneOrFail(
    { id: found.id },
    { lockMode: mikroCore.LockMode.PESSIMISTIC_WRITE, populate: ['hospital'], refresh: true },
  );
  if (patient.erasedAt && options.erased !== 'allow')
    throw new ConflictError('patient_erased', `patient ${patient.id} was erased: an erasure is final`);
  return patient;
}
