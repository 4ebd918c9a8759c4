import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { ConflictError } from '../errors.js';
import { formatAppointmentTime } from '../time.js';
import type { Appointment, AppointmentStatus } from './appointment.entity.js';
import { onAppointmentCompleted, onCompletedAppointmentReverted } from './appointment.hooks.js';
import { appointmentRepository } from './appointment.repository.js';
import { cancelPendingReminders, recordPatientVisit } from './appointment.sql.js';
import { type AppointmentView, lagosTime, toAppointmentView } from './appointment.view.js';

/** Refuses to `verb` an appointment that no longer holds its time. */
export function assertLive(a: Appointment, verb: string): void {
  if (a.status !== 'scheduled' && a.status !== 'confirmed')
    throw new ConflictError(
      'appointment_not_live',
      `cannot ${verb} appointment ${a.code}: it is ${a.status.replace('_', '-')}`,
    );
}

export type AppointmentVerb = 'confirm' | 'cancel' | 'complete' | 'no-show';

const TRANSITIONS: Record<AppointmentVerb, { from: AppointmentStatus[]; to: AppointmentStatus }> = {
  confirm: { from: ['scheduled'], to: 'confirmed' },
  cancel: { from: ['scheduled', 'confirmed'], to: 'cancelled' },
  complete: { from: ['scheduled', 'confirmed'], to: 'completed' },
  // completed → no-show corrects a visit recorded by mistake; its loyalty points are reversed.
  'no-show': { from: ['scheduled', 'confirmed', 'completed'], to: 'no_show' },
};

/**
 * confirm | cancel | complete | no-show. Leaving the live states cancels the pending reminders;
 * completing updates the patient's last visit and runs the loyalty hook, in the same transaction;
 * a completed appointment marked no-show has its loyalty points reversed.
 */
export async function changeAppointmentStatus(
  ctx: ServiceContext,
  ref: string,
  verb: AppointmentVerb,
  options: { reason?: string } = {},
): Promise<AppointmentView> {
  const rule = TRANSITIONS[verb];
  const now = ctx.clock.now();
  return ctx.em.transactional(async (em) => {
    const appointment = await appointmentRepository(em).getByRef(ref, { lock: true });
    const was = appointment.status;
    if (!rule.from.includes(was))
      throw new ConflictError(
        'appointment_state',
        `cannot ${verb} appointment ${appointment.code}: it is ${was.replace('_', '-')} (allowed from ${rule.from.join(', ')})`,
      );
    if ((verb === 'complete' || verb === 'no-show') && appointment.startsAt.getTime() > now.toMillis())
      throw new ConflictError(
        'appointment_not_started',
        `cannot ${verb} appointment ${appointment.code}: it starts ${formatAppointmentTime(lagosTime(appointment.startsAt))}`,
      );
    appointment.status = rule.to;
    const reason = verb === 'cancel' ? options.reason?.trim() : undefined;
    if (reason !== undefined) appointment.cancelReason = reason;
    appointment.updatedAt = now.toJSDate();
    await em.flush();
    if (rule.to !== 'confirmed') await cancelPendingReminders(em, appointment.id, now.toISO()!);
    if (rule.to === 'completed') {
      const startsAt = appointment.startsAt.toISOString();
      await recordPatientVisit(em, appointment.patient.id, startsAt, now.toISO()!);
      await onAppointmentCompleted(
        em,
        {
          id: appointment.id,
          code: appointment.code,
          patientId: appointment.patient.id,
          startsAt,
        },
        now.toJSDate(),
      );
    }
    if (was === 'completed' && rule.to === 'no_show')
      await onCompletedAppointmentReverted(
        em,
        {
          id: appointment.id,
          code: appointment.code,
          patientId: appointment.patient.id,
          startsAt: appointment.startsAt.toISOString(),
        },
        now.toJSDate(),
      );
    await recordAudit(em, ctx.actor, 'appointment', appointment.id, {
      code: appointment.code,
      status: { from: was, to: rule.to },
      ...(options.reason ? { reason: options.reason } : {}),
    });
    return toAppointmentView(em, appointment);
  });
}
