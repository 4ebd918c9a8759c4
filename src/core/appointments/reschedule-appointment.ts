import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { toIsoLagos } from '../time.js';
import { appointmentRepository } from './appointment.repository.js';
import { cancelPendingReminders } from './appointment.sql.js';
import { type AppointmentView, toAppointmentView } from './appointment.view.js';
import { assertLive } from './appointment-transitions.js';
import {
  assertNoClash,
  assertWithinHours,
  createReminders,
  resolveTimes,
  withOverlapGuard,
} from './booking.js';

export interface RescheduleInput {
  at: string;
  /** Default: the appointment's current length. */
  durationMinutes?: number;
}

/** Moves a live appointment (same checks as booking); its pending reminders are replaced. */
export async function rescheduleAppointment(
  ctx: ServiceContext,
  ref: string,
  input: RescheduleInput,
): Promise<AppointmentView> {
  const current = await appointmentRepository(ctx.em).getByRef(ref);
  await ctx.em.populate(current, ['doctor']);
  const keep = Math.round((current.endsAt.getTime() - current.startsAt.getTime()) / 60000);
  const { start, end } = resolveTimes(ctx.clock, {
    at: input.at,
    durationMinutes: input.durationMinutes ?? keep,
    type: current.type,
  });
  await assertWithinHours(ctx.em, current.doctor, current.type, start, end);
  const now = ctx.clock.now();
  const doctorId = current.doctor.id;
  const clash = { doctorId, patientId: current.patient.id, start, end, except: current.id };
  return withOverlapGuard(
    ctx.em,
    async (em) => {
      const appointment = await appointmentRepository(em).getByRef(current.id, { lock: true });
      assertLive(appointment, 'reschedule');
      const from = toIsoLagos(appointment.startsAt);
      await assertNoClash(em, doctorId, appointment.patient.id, start, end, appointment.id);
      appointment.startsAt = start.toJSDate();
      appointment.endsAt = end.toJSDate();
      appointment.status = 'scheduled';
      appointment.updatedAt = now.toJSDate();
      await em.flush();
      await cancelPendingReminders(em, appointment.id, now.toISO()!);
      await createReminders(em, appointment.id, start, now);
      await recordAudit(em, ctx.actor, 'appointment', appointment.id, {
        code: appointment.code,
        rescheduled: { from, to: start.toISO() },
      });
      return toAppointmentView(em, appointment);
    },
    clash,
  );
}
