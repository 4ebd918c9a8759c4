import { changeAppointmentStatus } from '../../core/appointments/appointment.service.js';
import type { CommandContext } from '../_shared/context.js';
import { printAppointment } from './render.js';

/** The body of confirm | cancel | complete | no-show. */
export function transitionCommand(verb: 'confirm' | 'cancel' | 'complete' | 'no-show') {
  return async (ctx: CommandContext, [ref]: string[], flags: Record<string, string>): Promise<void> => {
    const appointment = await ctx.withDatabase((db) =>
      changeAppointmentStatus(db.em(), ctx.clock, ref, verb, ctx.actor(), { reason: flags.reason }),
    );
    if (!ctx.json) ctx.print(`${appointment.code} is now ${appointment.status.replace('_', '-')}`);
    await printAppointment(ctx, appointment);
  };
}
