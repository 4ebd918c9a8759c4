import type { EntityManager } from '@mikro-orm/postgresql';

export interface CompletedAppointment {
  id: string;
  code: string;
  patientId: string;
  startsAt: string;
}

/**
 * LOYALTY HOOK: runs inside the transaction that completes an appointment, after the patient's
 * last visit is updated. The loyalty issue awards 20 points here (source key
 * `appointment:<id>`) and the referral bonus on the patient's first completed appointment
 * (`referral:<patientId>`). Until then it does nothing.
 */
export async function onAppointmentCompleted(
  _em: EntityManager,
  _appointment: CompletedAppointment,
): Promise<void> {}
