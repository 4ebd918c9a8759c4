import { addAvailability } from '../../core/doctors/doctor.service.js';
import type { CommandContext } from '../_shared/context.js';
import { printDoctor } from './render.js';

export async function run(
  ctx: CommandContext,
  [ref]: string[],
  flags: Record<string, string>,
): Promise<void> {
  const doctor = await ctx.withDatabase((db) =>
    addAvailability(db.em(), ref, { day: flags.day, from: flags.from, to: flags.to }, ctx.actor()),
  );
  await printDoctor(ctx, doctor);
}
