import { showAppointment } from '../../core/appointments/appointment.queries.js';
import type { CommandContext } from '../_shared/context.js';
import { printAppointment } from './render.js';

export async function run(ctx: CommandContext, [ref]: string[]): Promise<void> {
  await printAppointment(ctx, await ctx.withServices((svc) => showAppointment(svc, ref)));
}
