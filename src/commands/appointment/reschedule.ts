import { rescheduleAppointment } from '../../core/appointments/reschedule-appointment.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { intFlag } from '../_shared/flags.js';
import { printAppointment } from './render.js';

interface Flags extends GlobalFlags {
  at: string;
  duration?: string;
}

export async function run(ctx: CommandContext, [ref]: string[], flags: Flags): Promise<void> {
  const appointment = await ctx.withServices((svc) =>
    rescheduleAppointment(svc, ref, {
      at: flags.at,
      durationMinutes: intFlag(flags.duration, '--duration', { min: 5 }),
    }),
  );
  if (!ctx.json) ctx.print(`rescheduled ${appointment.code}: ${appointment.time}`);
  await printAppointment(ctx, appointment);
}
