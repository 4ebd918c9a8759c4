import { addAvailability } from '../../core/doctors/set-availability.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printDoctor } from './render.js';
import { requireFlags } from './required.js';

interface Flags extends GlobalFlags {
  day: string;
  from: string;
  to: string;
}

export async function run(ctx: CommandContext, [ref]: string[], flags: Flags): Promise<void> {
  requireFlags({ ...flags }, { day: '--day', from: '--from', to: '--to' });
  const doctor = await ctx.withServices((svc) =>
    addAvailability(svc, ref, { day: flags.day, from: flags.from, to: flags.to }),
  );
  await printDoctor(ctx, doctor);
}
