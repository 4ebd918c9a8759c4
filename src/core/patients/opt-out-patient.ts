import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { mikroCore } from '../db/mikro-orm.js';
import { ValidationError } from '../errors.js';
import { CHANNELS, type Channel, Patient } from './patient.entity.js';
import { patientRepository } from './patient.repository.js';
import { type PatientView, toPatientView } from './patient.view.js';

const { raw } = mikroCore;

const OPTED_OUT = { sms: 'optedOutSms', whatsapp: 'optedOutWhatsapp', email: 'optedOutEmail' } as const;

/** Marks a patient opted out of channels (STOP by another path, a complaint, a provider error). */
export async function optOutPatient(
  ctx: ServiceContext,
  ref: string,
  channels: Channel[],
): Promise<PatientView> {
  for (const c of channels) {
    if (!(CHANNELS as readonly string[]).includes(c))
      throw new ValidationError('channel', c, 'not a channel (sms, whatsapp, email)');
  }
  return ctx.em.transactional(async (em) => {
    const patient = await patientRepository(em).getByRef(ref);
    // One UPDATE of the flags and updated_at, the database's time of the change (`now()`): a SQL
    // function cannot be assigned to a managed entity's timestamp, so the row is updated through
    // the EntityManager directly and the entity then reloaded.
    const changes: Record<string, unknown> = { updatedAt: raw('now()') };
    for (const c of channels) changes[OPTED_OUT[c]] = true;
    await em.nativeUpdate(Patient, { id: patient.id }, changes as never);
    await em.refresh(patient, { populate: ['hospital'] });
    await recordAudit(em, ctx.actor, 'patient', patient.id, { optedOut: channels });
    return toPatientView(patient);
  });
}
