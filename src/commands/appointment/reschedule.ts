import { parseDuration } from '../../core/appointments/booking.js';
import { rescheduleAppointment } from '../../core/appointments/reschedule-appointment.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printAppointment } from './render.js';

interface Flags extends GlobalFlags {
  at: string;
  duration?: string;
}

export async function run(ctx: CommandContext, [ref]: string[], flags: Flags): Promise<void> {
  // Checked before the database opens: one exit code (3) for every bad value.
  const durationMinutes = parseDuration(flags.duration);
  const appointment = await ctx.withServices((svc) =>
    rescheduleAppointment(svc, ref, {
      at: flags.at,
      durationMinutes,
    }),
  );
  if (!ctx.json) ctx.print(`rescheduled ${appointment.code}: ${appointment.time}`);
  await printAppointment(ctx, appointment);
}
