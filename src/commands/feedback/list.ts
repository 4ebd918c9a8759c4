import { listFeedback } from '../../core/feedback/feedback.queries.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { intFlag } from '../_shared/flags.js';
import { printJson } from '../_shared/render.js';
import { printFeedbackTable } from './render.js';

interface Flags extends GlobalFlags {
  hospital?: string;
  period?: string;
  minRating?: string;
  maxRating?: string;
  limit?: string;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  const input = {
    hospital: flags.hospital,
    period: flags.period,
    minRating: flags.minRating,
    maxRating: flags.maxRating,
    limit: intFlag(flags.limit, '--limit', { min: 1 }),
  };
  const rows = await ctx.withServices((svc) => listFeedback(svc, input));
  if (ctx.json) return printJson(ctx, rows);
  await printFeedbackTable(ctx, rows);
}
