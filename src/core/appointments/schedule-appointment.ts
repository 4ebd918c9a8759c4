import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { doctorRepository } from '../doctors/doctor.repository.js';
import { ValidationError } from '../errors.js';
import { patientRepository } from '../patients/patient.repository.js';
import { APPOINTMENT_TYPES, Appointment, type AppointmentType } from './appointment.entity.js';
import { nextAppointmentCode } from './appointment.sql.js';
import { type AppointmentView, toAppointmentView } from './appointment.view.js';
import {
  assertNoClash,
  assertWithinHours,
  createReminders,
  resolveTimes,
  withOverlapGuard,
} from './booking.js';

export interface ScheduleInput {
  patient: string;
  doctor: string;
  type: string;
  at: string;
  durationMinutes?: number;
}

/**
 * Books an appointment: inside the doctor's hours (emergencies excepted), not in the past, not
 * overlapping the doctor's or the patient's live appointments — the last one guaranteed by the
 * exclusion constraints even when bookings race. Creates its reminders in the same transaction.
 */
export async function scheduleAppointment(
  ctx: ServiceContext,
  input: ScheduleInput,
): Promise<AppointmentView> {
  const type = input.type?.trim().toLowerCase() as AppointmentType;
  if (!APPOINTMENT_TYPES.includes(type))
    throw new ValidationError('type', input.type, `use ${APPOINTMENT_TYPES.join(', ')}`);
  const { start, end } = resolveTimes(ctx.clock, {
    at: input.at,
    durationMinutes: input.durationMinutes,
    type,
  });
  const patient = await patientRepository(ctx.em).getByRef(input.patient);
  const doctor = await doctorRepository(ctx.em).getByRef(input.doctor);
  const now = ctx.clock.now();
  await assertWithinHours(ctx.em, doctor, type, start, end);
  const clash = { doctorId: doctor.id, patientId: patient.id, start, end, except: null };
  return withOverlapGuard(
    ctx.em,
    async (em) => {
      await assertNoClash(em, doctor.id, patient.id, start, end, null);
      const appointment = em.create(Appointment, {
        code: await nextAppointmentCode(em),
        patient: patient.id,
        doctor: doctor.id,
        hospital: doctor.hospital.id,
        type,
        status: 'scheduled',
        startsAt: start.toJSDate(),
        endsAt: end.toJSDate(),
        createdAt: now.toJSDate(),
        updatedAt: now.toJSDate(),
      } as never) as Appointment;
      await em.flush();
      await createReminders(em, appointment.id, start, now);
      await recordAudit(em, ctx.actor, 'appointment', appointment.id, {
        code: appointment.code,
        doctor: doctor.code,
        patient: patient.id,
        type,
        startsAt: start.toISO(),
      });
      return toAppointmentView(em, appointment);
    },
    clash,
  );
}
