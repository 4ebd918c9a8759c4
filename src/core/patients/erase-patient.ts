/**
 * `patient erase`: a data subject's erasure (Nigeria Data Protection Act 2023, s. 34). The
 * patient's personal fields are removed — names replaced by "Erased"/"Patient", contacts, date of
 * birth, gender, address, MRN and referral cleared, consents withdrawn and every channel opted
 * out — and the messages sent to them lose their recipient and text. What the hospitals and the
 * payouts need stays: the row and its id, its appointments (with their hospital and doctor) and
 * everything financial, none of which names the person. The audit row records the erasure by id
 * only (the audit log never holds personal data). Final: the database refuses personal fields on
 * an erased patient, and un-erasing (migration 20261203130000).
 */
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { lockPatientForCorrection } from './lock-patient.js';
import { anonymiseMessagesOf } from './patient.sql.js';
import { type PatientView, toPatientView } from './patient.view.js';

export interface EraseResult {
  patient: PatientView;
  messagesAnonymised: number;
}

export async function erasePatient(ctx: ServiceContext, ref: string): Promise<EraseResult> {
  return ctx.em.transactional(async (em) => {
    const patient = await lockPatientForCorrection(em, ref);
    const now = new Date(ctx.clock.now().toISO()!);
    Object.assign(patient, {
      firstName: 'Erased',
      lastName: 'Patient',
      phone: null,
      email: null,
      dateOfBirth: null,
      gender: null,
      address: null,
      externalId: null,
      referredBy: null,
      consentSms: false,
      consentWhatsapp: false,
      consentEmail: false,
      optedOutSms: true,
      optedOutWhatsapp: true,
      optedOutEmail: true,
      updatedAt: now,
      erasedAt: now,
    });
    await em.flush();
    const messagesAnonymised = await anonymiseMessagesOf(em, patient.id);
    await recordAudit(em, ctx.actor, 'patient', patient.id, { action: 'erase', messagesAnonymised });
    return { patient: toPatientView(patient), messagesAnonymised };
  });
}
