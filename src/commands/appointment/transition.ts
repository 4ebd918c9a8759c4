import {
  type AppointmentVerb,
  changeAppointmentStatus,
} from '../../core/appointments/appointment-transitions.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printAppointment } from './render.js';

interface Flags extends GlobalFlags {
  /** Only `cancel` has it. */
  reason?: string;
}

/** The body of confirm | cancel | complete | no-show. */
export function transitionCommand(verb: AppointmentVerb) {
  return async (ctx: CommandContext, [ref]: string[], flags: Flags): Promise<void> => {
    const appointment = await ctx.withServices((svc) =>
      changeAppointmentStatus(svc, ref, verb, { reason: flags.reason }),
    );
    if (!ctx.json) ctx.print(`${appointment.code} is now ${appointment.status.replace('_', '-')}`);
    await printAppointment(ctx, appointment);
  };
}
