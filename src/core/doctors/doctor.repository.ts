import type { EntityManager } from '@mikro-orm/postgresql';
import { mikroCore, mikroPostgres } from '../db/mikro-orm.js';
import { isUuid } from '../db/values.js';
import { NotFoundError } from '../errors.js';
import type { Doctor } from './doctor.entity.js';

/** Lookups of doctors, by the code operators type or by id. */
export class DoctorRepository extends mikroPostgres.EntityRepository<Doctor> {
  /**
   * The doctor a reference names: its code (`DR-0001`, any case) or its id, with its hospital
   * loaded. `lock` takes a row lock on the doctor (FOR UPDATE) for the rest of the transaction.
   */
  async getByRef(ref: string, options: { lock?: boolean } = {}): Promise<Doctor> {
    const text = ref.trim();
    const where = isUuid(text) ? { id: text } : { code: text.toUpperCase() };
    const doctor = await this.findOne(
      where,
      options.lock ? { lockMode: mikroCore.LockMode.PESSIMISTIC_WRITE } : { populate: ['hospital'] },
    );
    if (!doctor) throw new NotFoundError('doctor', ref);
    if (options.lock) await this.getEntityManager().populate(doctor, ['hospital']);
    return doctor;
  }
}

/** The doctor repository of an EntityManager (typed: defineEntity cannot declare it). */
export function doctorRepository(em: EntityManager): DoctorRepository {
  return em.getRepository<Doctor>('Doctor') as unknown as DoctorRepository;
}
