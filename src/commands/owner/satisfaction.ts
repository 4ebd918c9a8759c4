import { recordSatisfaction } from '../../core/owners/owner.service.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson, printRecord } from '../_shared/render.js';

export async function run(ctx: CommandContext, [owner]: string[], flags: Record<string, any>): Promise<void> {
  const result = await ctx.withDatabase((db) =>
    recordSatisfaction(
      db.em(),
      ctx.clock,
      {
        owner,
        category: flags.category,
        rating: flags.rating,
        wouldRecommend: flags.wouldRecommend,
        comment: flags.comment,
      },
      ctx.actor(),
    ),
  );
  if (ctx.json) return printJson(ctx, result);
  const s = result.summary;
  await printRecord(ctx, [
    ['recorded', `${result.category} ${result.rating}/5`],
    ['average', `${s.averageRating} / 5 over ${s.responses} ratings`],
    ...Object.entries(s.byCategory).map(
      ([c, v]) => [`  ${c}`, `${v.averageRating} (${v.responses})`] as [string, string],
    ),
    ['would recommend', s.wouldRecommendShare === null ? '-' : `${Math.round(s.wouldRecommendShare * 100)}%`],
  ]);
}
