/**
 * The earning rules (SPEC §3) and reversals, called inside the transaction of the event that
 * earns: an appointment completed (+20), the referred patient's first completed appointment
 * (+100 to the referrer), feedback (+50, whatever the rating). Each books under a source key
 * that names its event, so the same event never earns twice, even from two processes at once.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { queryOne } from '../db/sql.js';
import { LAGOS } from '../time.js';
import { type Booked, bookDebit, bookEarning } from './ledger.js';
import { findEntry, hasOtherCompletedAppointment } from './ledger.sql.js';

export const EARNING = { feedback: 50, appointment: 20, referral: 100 } as const;

/**
 * The source key of a feedback's points: `feedback:<appointmentId>` when it is about an
 * appointment (once per appointment), else `feedback:<patientId>:<YYYY-MM-DD>` (once per patient
 * per Lagos day). `crm feedback delete` reverses it with reversePoints(em, this key, reason).
 */
export function feedbackSourceKey(input: {
  patientId: string;
  appointmentId: string | null;
  at: Date;
}): string {
  if (input.appointmentId) return `feedback:${input.appointmentId}`;
  const day = DateTime.fromJSDate(input.at).setZone(LAGOS).toISODate();
  return `feedback:${input.patientId}:${day}`;
}

/** +50 for feedback. A second feedback under the same key books nothing (entryId null). */
export async function awardFeedbackPoints(
  em: EntityManager,
  input: { feedbackId: string; patientId: string; appointmentId: string | null; at: Date },
): Promise<Booked> {
  return bookEarning(em, {
    patientId: input.patientId,
    points: EARNING.feedback,
    reason: `feedback ${input.feedbackId}`,
    sourceKey: feedbackSourceKey(input),
    at: input.at,
  });
}

export interface CompletedForLoyalty {
  id: string;
  code: string;
  patientId: string;
}

/**
 * An appointment completed: +20 to its patient (`appointment:<id>`), and +100 to the patient
 * who referred them (`referral:<patientId>`) when it is their first completed appointment.
 */
export async function awardAppointmentPoints(
  em: EntityManager,
  a: CompletedForLoyalty,
  at: Date,
): Promise<void> {
  await bookEarning(em, {
    patientId: a.patientId,
    points: EARNING.appointment,
    reason: `appointment ${a.code} completed`,
    sourceKey: `appointment:${a.id}`,
    at,
  });
  if (await hasOtherCompletedAppointment(em, a.patientId, a.id)) return;
  const referrer = await queryOne<{ referred_by: string | null }>(
    em,
    // The referrer must still exist (the column is a plain uuid, not a foreign key).
    `select p.referred_by from patient p join patient r on r.id = p.referred_by where p.id = $1`,
    [a.patientId],
  );
  if (!referrer?.referred_by || referrer.referred_by === a.patientId) return;
  await bookEarning(em, {
    patientId: referrer.referred_by,
    points: EARNING.referral,
    reason: `referral: first appointment ${a.code} of patient ${a.patientId}`,
    sourceKey: `referral:${a.patientId}`,
    at,
  });
}

/**
 * A completed appointment marked no-show: its 20 points are reversed, and the referral bonus
 * when it was the patient's only completed appointment (the referral had not happened after all).
 */
export async function reverseAppointmentPoints(
  em: EntityManager,
  a: CompletedForLoyalty,
  at: Date,
): Promise<void> {
  const reason = `appointment ${a.code} completed → no-show`;
  await reversePoints(em, `appointment:${a.id}`, reason, at);
  // Called after the status change: no other completed appointment means no first visit yet.
  if (!(await hasOtherCompletedAppointment(em, a.patientId, a.id)))
    await reversePoints(em, `referral:${a.patientId}`, reason, at);
}

/**
 * Reverses the earning booked under `sourceKey` with a compensating entry (`reversal:<key>`),
 * never by changing history. Takes back what is left of it, its own lot first: when the points
 * were already spent or expired, the balance stops at zero and the entry records the shortfall.
 * Returns null when nothing was earned under the key; a reversal already booked books nothing.
 */
export async function reversePoints(
  em: EntityManager,
  sourceKey: string,
  reason: string,
  at: Date = new Date(),
): Promise<Booked | null> {
  const entry = await findEntry(em, sourceKey);
  if (entry?.kind !== 'earn') return null;
  return bookDebit(em, {
    patientId: entry.patient_id,
    points: Number(entry.points),
    kind: 'reversal',
    reason: reason.trim() || `reversal of ${sourceKey}`,
    sourceKey: `reversal:${sourceKey}`,
    at,
    whenShort: 'partial',
    firstLot: entry.id,
  });
}

/**
 * Deleted feedback: reverses its 50 points when this feedback is the one that earned them (a
 * second feedback on the same Lagos day earned nothing, and deleting it reverses nothing).
 */
export async function reverseFeedbackPoints(
  em: EntityManager,
  input: { feedbackId: string; patientId: string; appointmentId: string | null; at: Date },
  reason: string,
  now: Date = new Date(),
): Promise<Booked | null> {
  const key = feedbackSourceKey(input);
  const entry = await findEntry(em, key);
  if (entry?.reason !== `feedback ${input.feedbackId}`) return null;
  return reversePoints(em, key, reason, now);
}
