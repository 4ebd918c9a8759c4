import { removeTimeOff } from '../../core/doctors/remove-time-off.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printDoctor } from './render.js';
import { requireFlags } from './required.js';

interface Flags extends GlobalFlags {
  date: string;
  to?: string;
}

export async function run(ctx: CommandContext, [ref]: string[], flags: Flags): Promise<void> {
  requireFlags({ ...flags }, { date: '--date' });
  const doctor = await ctx.withServices((svc) => removeTimeOff(svc, ref, { from: flags.date, to: flags.to }));
  await printDoctor(ctx, doctor);
}
