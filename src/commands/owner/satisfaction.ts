import { recordSatisfaction } from '../../core/owners/record-satisfaction.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson, printRecord } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  category: string;
  rating: string;
  wouldRecommend?: string;
  comment?: string;
}

export async function run(ctx: CommandContext, [owner]: string[], flags: Flags): Promise<void> {
  const input = {
    owner,
    category: flags.category,
    rating: flags.rating,
    wouldRecommend: flags.wouldRecommend,
    comment: flags.comment,
  };
  const result = await ctx.withServices((svc) => recordSatisfaction(svc, input));
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
