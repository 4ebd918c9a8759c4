import type { EntityManager } from '@mikro-orm/postgresql';
import { mikroCore, mikroPostgres } from '../db/mikro-orm.js';
import { isUuid } from '../db/values.js';
import { NotFoundError } from '../errors.js';
import type { Hospital } from './hospital.entity.js';

/** Lookups of hospitals, by the code operators type or by id. */
export class HospitalRepository extends mikroPostgres.EntityRepository<Hospital> {
  /**
   * The hospital a reference names: its code (`LAG-001`, any case) or its id. `lock` takes a row
   * lock (FOR UPDATE) for the rest of the transaction.
   */
  async getByRef(ref: string, options: { lock?: boolean } = {}): Promise<Hospital> {
    const text = ref.trim();
    const where = isUuid(text) ? { id: text } : { code: text.toUpperCase() };
    const hospital = await this.findOne(
      where,
      options.lock ? { lockMode: mikroCore.LockMode.PESSIMISTIC_WRITE } : {},
    );
    if (!hospital) throw new NotFoundError('hospital', ref);
    return hospital;
  }
}

/** The hospital repository of an EntityManager (typed: defineEntity cannot declare it). */
export function hospitalRepository(em: EntityManager): HospitalRepository {
  return em.getRepository<Hospital>('Hospital') as unknown as HospitalRepository;
}
