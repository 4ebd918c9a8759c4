import type { EntityManager } from '@mikro-orm/postgresql';
import { awardAppointmentPoints, reverseAppointmentPoints } from '../loyalty/earning-rules.js';

export interface CompletedAppointment {
  id: string;
  code: string;
  patientId: string;
  startsAt: string;
}

/**
 * LOYALTY HOOK: runs inside the transaction that completes an appointment, after the patient's
 * last visit is updated: +20 points (source key `appointment:<id>`), and the referral bonus on
 * the patient's first completed appointment (`referral:<patientId>`), see core/loyalty.
 */
export async function onAppointmentCompleted(
  em: EntityManager,
  appointment: CompletedAppointment,
  at: Date = new Date(),
): Promise<void> {
  await awardAppointmentPoints(em, appointment, at);
}

/**
 * Runs inside the transaction that marks a completed appointment no-show: the points it earned
 * are reversed by compensating entries (and the referral bonus when it was the only completed one).
 */
export async function onCompletedAppointmentReverted(
  em: EntityManager,
  appointment: CompletedAppointment,
  at: Date = new Date(),
): Promise<void> {
  await reverseAppointmentPoints(em, appointment, at);
}
