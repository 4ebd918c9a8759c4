import { showFeedback } from '../../core/feedback/feedback.queries.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';
import { printFeedback } from './render.js';

export async function run(ctx: CommandContext, [ref]: string[]): Promise<void> {
  const feedback = await ctx.withServices((svc) => showFeedback(svc, ref));
  if (ctx.json) return printJson(ctx, feedback);
  await printFeedback(ctx, feedback);
}
