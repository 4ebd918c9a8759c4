import type { EntityManager } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { isoTimestamp } from '../db/values.js';
import { formatAppointmentTime, LAGOS, toIsoLagos } from '../time.js';
import type { Appointment, AppointmentStatus, AppointmentType } from './appointment.entity.js';
import { remindersOf } from './appointment.sql.js';

/** An appointment as lists show it. */
export interface AppointmentSummary {
  id: string;
  code: string;
  patient: { id: string; name: string };
  doctor: string;
  doctorName: string;
  hospital: string;
  type: AppointmentType;
  status: AppointmentStatus;
  startsAt: string;
  endsAt: string;
  /** `Tue 1 Dec, 10:00` (Lagos). */
  time: string;
  durationMinutes: number;
  cancelReason: string | null;
}

/** An appointment as `show` prints it and `--json` shows it: the summary with its reminders. */
export interface AppointmentView extends AppointmentSummary {
  reminders: { kind: string; dueAt: string; status: string; attempts: number }[];
}

/** The populate list the views need. */
export const APPOINTMENT_VIEW_POPULATE = ['patient', 'doctor', 'hospital'] as const;

export function lagosTime(d: Date): DateTime {
  return DateTime.fromJSDate(d).setZone(LAGOS);
}

/** `a` with its patient, doctor and hospital loaded. */
export function toAppointmentSummary(a: Appointment): AppointmentSummary {
  return {
    id: a.id,
    code: a.code,
    patient: { id: a.patient.id, name: `${a.patient.firstName} ${a.patient.lastName}` },
    doctor: a.doctor.code,
    doctorName: a.doctor.name,
    hospital: a.hospital.code,
    type: a.type,
    status: a.status,
    startsAt: toIsoLagos(a.startsAt),
    endsAt: toIsoLagos(a.endsAt),
    time: formatAppointmentTime(lagosTime(a.startsAt)),
    durationMinutes: Math.round((a.endsAt.getTime() - a.startsAt.getTime()) / 60000),
    cancelReason: a.cancelReason ?? null,
  };
}

/** The summary of `a` (relations loaded here when they are not yet) with its reminders. */
export async function toAppointmentView(em: EntityManager, a: Appointment): Promise<AppointmentView> {
  await em.populate(a, APPOINTMENT_VIEW_POPULATE);
  const reminders = await remindersOf(em, a.id);
  return {
    ...toAppointmentSummary(a),
    reminders: reminders.map((r) => ({
      kind: r.kind,
      dueAt: isoTimestamp(r.due_at),
      status: r.status,
      attempts: r.attempts,
    })),
  };
}
