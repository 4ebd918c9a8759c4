import { adjustPoints } from '../../core/loyalty/adjust-points.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';
import { printPoints } from './points.js';
import { pointsFlag } from './render.js';

interface Flags extends GlobalFlags {
  points?: string;
  reason?: string;
  key?: string;
}

export async function run(ctx: CommandContext, [patient]: string[], flags: Flags): Promise<void> {
  const input = {
    patient,
    points: pointsFlag(flags.points, '--points'),
    reason: flags.reason ?? '',
    key: flags.key,
  };
  const result = await ctx.withServices((svc) => adjustPoints(svc, input));
  if (ctx.json) return printJson(ctx, result);
  printPoints(ctx, result);
}
