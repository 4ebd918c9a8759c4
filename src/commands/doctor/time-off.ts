import { addTimeOff } from '../../core/doctors/doctor.service.js';
import type { CommandContext } from '../_shared/context.js';
import { printDoctor } from './render.js';

export async function run(
  ctx: CommandContext,
  [ref]: string[],
  flags: Record<string, string>,
): Promise<void> {
  const doctor = await ctx.withDatabase((db) =>
    addTimeOff(db.em(), ref, { from: flags.date, to: flags.to, reason: flags.reason }, ctx.actor()),
  );
  await printDoctor(ctx, doctor);
}
