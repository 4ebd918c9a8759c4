import { scheduleAppointment } from '../../core/appointments/appointment.service.js';
import type { CommandContext } from '../_shared/context.js';
import { intFlag } from '../_shared/flags.js';
import { printAppointment } from './render.js';

export async function run(
  ctx: CommandContext,
  _args: string[],
  flags: Record<string, string>,
): Promise<void> {
  const appointment = await ctx.withDatabase((db) =>
    scheduleAppointment(
      db.em(),
      ctx.clock,
      {
        patient: flags.patient,
        doctor: flags.doctor,
        type: flags.type,
        at: flags.at,
        durationMinutes: intFlag(flags.duration, '--duration', { min: 5 }),
      },
      ctx.actor(),
    ),
  );
  if (!ctx.json) ctx.print(`scheduled ${appointment.code}: ${appointment.time}`);
  await printAppointment(ctx, appointment);
}
