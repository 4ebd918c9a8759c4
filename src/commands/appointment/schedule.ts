import { parseDuration } from '../../core/appointments/booking.js';
import { scheduleAppointment } from '../../core/appointments/schedule-appointment.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printAppointment } from './render.js';

interface Flags extends GlobalFlags {
  patient: string;
  doctor: string;
  type: string;
  at: string;
  duration?: string;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  // Checked before the database opens: one exit code (3) for every bad value.
  const durationMinutes = parseDuration(flags.duration);
  const appointment = await ctx.withServices((svc) =>
    scheduleAppointment(svc, {
      patient: flags.patient,
      doctor: flags.doctor,
      type: flags.type,
      at: flags.at,
      durationMinutes,
    }),
  );
  if (!ctx.json) ctx.print(`scheduled ${appointment.code}: ${appointment.time}`);
  await printAppointment(ctx, appointment);
}
