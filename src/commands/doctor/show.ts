import { showDoctor } from '../../core/doctors/doctor.queries.js';
import type { CommandContext } from '../_shared/context.js';
import { printDoctor } from './render.js';

export async function run(ctx: CommandContext, [ref]: string[]): Promise<void> {
  await printDoctor(ctx, await ctx.withServices((svc) => showDoctor(svc, ref)));
}
