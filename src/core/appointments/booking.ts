/**
 * What booking and rescheduling share: the times an operator asks for, the doctor's hours, the
 * clash with a live appointment of the doctor or the patient (checked first for a helpful
 * message, guaranteed by the exclusion constraints when bookings race), and the reminder plan.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DateTime } from 'luxon';
import { checkAvailability } from '../doctors/availability.js';
import { ConflictError, ValidationError } from '../errors.js';
import { planReminders } from '../reminders/reminder.planner.js';
import { type Clock, formatAppointmentTime, parseDateTime } from '../time.js';
import { Appointment, type AppointmentType, DEFAULT_DURATION, LIVE_STATUSES } from './appointment.entity.js';
import { insertReminders } from './appointment.sql.js';
import { lagosTime } from './appointment.view.js';

/** An appointment lasts whole minutes from 5 to a day (1440): SPEC names only the defaults. */
export const DURATION_RANGE = { min: 5, max: 24 * 60 } as const;
const DURATION_RULE = `whole minutes from ${DURATION_RANGE.min} to ${DURATION_RANGE.max}`;

/**
 * `--duration` as typed: every value out of range or not a whole number (0, -5, 100000, 7.5,
 * "abc") is the same exit 3 naming the flag and the range, before the database is opened.
 */
export function parseDuration(value: string | undefined, field = '--duration'): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  const minutes = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
  if (!(minutes >= DURATION_RANGE.min && minutes <= DURATION_RANGE.max))
    throw new ValidationError(field, value, `expected ${DURATION_RULE}`);
  return minutes;
}

export interface TimeInput {
  at: string;
  durationMinutes?: number;
  type: AppointmentType;
}

/** Start and end of the asked time: whole minutes from 5 to 1440, not in the past. */
export function resolveTimes(clock: Clock, input: TimeInput): { start: DateTime; end: DateTime } {
  const start = parseDateTime(input.at, 'at');
  const minutes = input.durationMinutes ?? DEFAULT_DURATION[input.type];
  if (!Number.isInteger(minutes) || minutes < DURATION_RANGE.min || minutes > DURATION_RANGE.max)
    throw new ValidationError('duration', input.durationMinutes, `expected ${DURATION_RULE}`);
  if (start <= clock.now())
    throw new ValidationError(
      'at',
      input.at,
      `is in the past (now is ${formatAppointmentTime(clock.now())})`,
    );
  return { start, end: start.plus({ minutes }) };
}

/** Refuses [start, end) outside the doctor's hours or on a day off; emergencies go anywhere. */
export async function assertWithinHours(
  em: EntityManager,
  doctor: { id: string; code: string },
  type: AppointmentType,
  start: DateTime,
  end: DateTime,
): Promise<void> {
  if (type === 'emergency') return;
  const reason = await checkAvailability(em, doctor.id, start, end);
  if (reason)
    throw new ConflictError(
      'outside_availability',
      `${formatAppointmentTime(start)}–${end.toFormat('HH:mm')}: ${reason}; see \`crm doctor slots ${doctor.code} --date ${start.toISODate()}\``,
    );
}

export interface Clash {
  appointment: Appointment;
  who: 'doctor' | 'patient';
}

/** The earliest live appointment of the doctor or the patient that overlaps [start, end), if any. */
export async function findClash(
  em: EntityManager,
  doctorId: string,
  patientId: string,
  start: DateTime,
  end: DateTime,
  except: string | null,
): Promise<Clash | undefined> {
  const appointment = await em.findOne(
    Appointment,
    {
      $or: [{ doctor: doctorId }, { patient: patientId }],
      status: { $in: LIVE_STATUSES },
      startsAt: { $lt: end.toJSDate() },
      endsAt: { $gt: start.toJSDate() },
      ...(except ? { id: { $ne: except } } : {}),
    },
    { orderBy: { startsAt: 'asc' }, populate: ['patient', 'doctor'], refresh: true },
  );
  if (!appointment) return undefined;
  return { appointment, who: appointment.doctor.id === doctorId ? 'doctor' : 'patient' };
}

/** The conflict (exit 5) naming the clashing appointment and where to look for free slots. */
export function clashError({ appointment: a, who }: Clash): ConflictError {
  const start = lagosTime(a.startsAt);
  const end = lagosTime(a.endsAt);
  const name = who === 'doctor' ? a.doctor.name : `${a.patient.firstName} ${a.patient.lastName}`;
  return new ConflictError(
    'appointment_conflict',
    `overlaps appointment ${a.code} (${name}, ${formatAppointmentTime(start)}–${end.toFormat('HH:mm')}, ${a.status}); see \`crm doctor slots ${a.doctor.code} --date ${start.toISODate()}\``,
  );
}

/** Throws the clash's conflict when there is one. */
export async function assertNoClash(
  em: EntityManager,
  doctorId: string,
  patientId: string,
  start: DateTime,
  end: DateTime,
  except: string | null,
): Promise<void> {
  const clash = await findClash(em, doctorId, patientId, start, end, except);
  if (clash) throw clashError(clash);
}

function isExclusionViolation(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } };
  return e?.code === '23P01' || e?.cause?.code === '23P01';
}

/**
 * Runs `fn` in a transaction; an exclusion violation (a booking that raced this one and won)
 * becomes the conflict naming the clashing appointment, looked up after the rollback.
 */
export async function withOverlapGuard<T>(
  em: EntityManager,
  fn: (em: EntityManager) => Promise<T>,
  clash: { doctorId: string; patientId: string; start: DateTime; end: DateTime; except: string | null },
): Promise<T> {
  try {
    return await em.transactional(fn);
  } catch (error) {
    if (!isExclusionViolation(error)) throw error;
    const found = await findClash(em, clash.doctorId, clash.patientId, clash.start, clash.end, clash.except);
    throw found
      ? clashError(found)
      : new ConflictError(
          'appointment_conflict',
          'overlaps another appointment of the doctor or the patient',
        );
  }
}

/** Plans the reminders of an appointment starting at `start`, as booked at `now`. */
export async function createReminders(
  em: EntityManager,
  appointmentId: string,
  start: DateTime,
  now: DateTime,
): Promise<void> {
  await insertReminders(em, appointmentId, planReminders(start, now), now);
}
