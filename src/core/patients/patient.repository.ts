import type { EntityManager } from '@mikro-orm/postgresql';
import { mikroPostgres } from '../db/mikro-orm.js';
import { isUuid } from '../db/values.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { Patient } from './patient.entity.js';

/** What looks like a phone number rather than an MRN: a `+`, digit or `(`, then 6+ more. */
const PHONE_LIKE = /^[+\d(][\d\s\-().+]{6,}$/;

/** Lookups of patients, by the id, phone or MRN operators type; each with its home hospital. */
export class PatientRepository extends mikroPostgres.EntityRepository<Patient> {
  /**
   * The patient a reference names: its id, a phone (any written form, normalised to E.164) or an
   * MRN. A phone or MRN shared by several patients is a conflict that lists them (oldest first),
   * so the operator can pick by id.
   */
  async getByRef(ref: string): Promise<Patient> {
    const text = ref.trim();
    let patients: Patient[];
    if (isUuid(text)) {
      patients = await this.find({ id: text }, { populate: ['hospital'] });
    } else {
      // phone.ts brings libphonenumber's metadata (~90 modules): loaded only when a reference looks
      // like a phone, not by every command that opens the database (this module is an entity's).
      const phone = PHONE_LIKE.test(text) ? (await import('../phone.js')).normalizePhone(text) : undefined;
      patients = await this.find(phone?.ok ? { phone: phone.e164 } : { externalId: text }, {
        populate: ['hospital'],
        orderBy: { createdAt: 'asc' },
        limit: 10,
      });
    }
    if (patients.length === 0) throw new NotFoundError('patient', ref);
    if (patients.length > 1) {
      const named = patients.map(
        (p) => `${p.id} (${p.firstName} ${p.lastName}${p.hospital ? `, ${p.hospital.code}` : ''})`,
      );
      throw new ConflictError(
        'patient_ambiguous',
        `${patients.length} patients match ${ref}: ${named.join('; ')}; use the id`,
      );
    }
    return patients[0];
  }
}

/** The patient repository of an EntityManager (typed: defineEntity cannot declare it). */
export function patientRepository(em: EntityManager): PatientRepository {
  return em.getRepository<Patient>('Patient') as unknown as PatientRepository;
}
