import type { FilterQuery } from '@mikro-orm/core';
import type { ServiceContext } from '../context.js';
import { doctorRepository } from '../doctors/doctor.repository.js';
import { ValidationError } from '../errors.js';
import { patientRepository } from '../patients/patient.repository.js';
import { parseDateTime } from '../time.js';
import { APPOINTMENT_STATUSES, Appointment, type AppointmentStatus } from './appointment.entity.js';
import { appointmentRepository } from './appointment.repository.js';
import {
  APPOINTMENT_VIEW_POPULATE,
  type AppointmentSummary,
  type AppointmentView,
  toAppointmentSummary,
  toAppointmentView,
} from './appointment.view.js';

/** One appointment by code or id, with its reminders. */
export async function showAppointment(ctx: ServiceContext, ref: string): Promise<AppointmentView> {
  return toAppointmentView(ctx.em, await appointmentRepository(ctx.em).getByRef(ref));
}

export interface ListAppointmentsInput {
  doctor?: string;
  patient?: string;
  hospital?: string;
  status?: string;
  date?: string;
  limit?: number;
}

/** Appointments by start time and code, filtered by doctor, patient, hospital, status and Lagos day. */
export async function listAppointments(
  ctx: ServiceContext,
  input: ListAppointmentsInput,
): Promise<AppointmentSummary[]> {
  const where: FilterQuery<Appointment>[] = [];
  if (input.doctor) where.push({ doctor: (await doctorRepository(ctx.em).getByRef(input.doctor)).id });
  if (input.patient) where.push({ patient: (await patientRepository(ctx.em).getByRef(input.patient)).id });
  if (input.hospital) where.push({ hospital: { code: input.hospital.trim().toUpperCase() } });
  if (input.status) {
    const s = input.status.replace('-', '_') as AppointmentStatus;
    if (!APPOINTMENT_STATUSES.includes(s))
      throw new ValidationError('status', input.status, `use ${APPOINTMENT_STATUSES.join(', ')}`);
    where.push({ status: s });
  }
  if (input.date) {
    const day = parseDateTime(input.date, 'date').startOf('day');
    where.push({ startsAt: { $gte: day.toJSDate(), $lt: day.plus({ days: 1 }).toJSDate() } });
  }
  const appointments = await ctx.em.find(Appointment, where.length ? { $and: where } : {}, {
    populate: APPOINTMENT_VIEW_POPULATE,
    orderBy: { startsAt: 'asc', code: 'asc' },
    limit: input.limit ?? 100,
  });
  return appointments.map(toAppointmentSummary);
}
