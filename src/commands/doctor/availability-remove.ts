import { removeAvailability } from '../../core/doctors/remove-availability.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printDoctor } from './render.js';
import { requireFlags } from './required.js';

interface Flags extends GlobalFlags {
  day: string;
  from: string;
}

export async function run(ctx: CommandContext, [ref]: string[], flags: Flags): Promise<void> {
  requireFlags({ ...flags }, { day: '--day', from: '--from' });
  const doctor = await ctx.withServices((svc) =>
    removeAvailability(svc, ref, { day: flags.day, from: flags.from }),
  );
  await printDoctor(ctx, doctor);
}
