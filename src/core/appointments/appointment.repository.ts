import type { EntityManager } from '@mikro-orm/postgresql';
import { mikroCore, mikroPostgres } from '../db/mikro-orm.js';
import { isUuid } from '../db/values.js';
import { NotFoundError } from '../errors.js';
import type { Appointment } from './appointment.entity.js';

/** Lookups of appointments, by the code operators type or by id. */
export class AppointmentRepository extends mikroPostgres.EntityRepository<Appointment> {
  /**
   * The appointment a reference names: its code (`AP-000001`, any case) or its id. `lock` takes a
   * row lock on the appointment alone (FOR UPDATE) for the rest of the transaction; its patient,
   * doctor and hospital are then references, loaded by `em.populate` when needed.
   */
  async getByRef(ref: string, options: { lock?: boolean } = {}): Promise<Appointment> {
    const text = ref.trim();
    const where = isUuid(text) ? { id: text } : { code: text.toUpperCase() };
    const appointment = await this.findOne(
      where,
      options.lock ? { lockMode: mikroCore.LockMode.PESSIMISTIC_WRITE, refresh: true } : {},
    );
    if (!appointment) throw new NotFoundError('appointment', ref);
    return appointment;
  }
}

/** The appointment repository of an EntityManager (typed: defineEntity cannot declare it). */
export function appointmentRepository(em: EntityManager): AppointmentRepository {
  return em.getRepository<Appointment>('Appointment') as unknown as AppointmentRepository;
}
