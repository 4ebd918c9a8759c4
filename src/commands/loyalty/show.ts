import { showLoyalty } from '../../core/loyalty/loyalty.queries.js';
import { tierLabel } from '../../core/loyalty/tiers.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { intFlag } from '../_shared/flags.js';
import { printJson, printRecord, printTable } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  limit?: string;
}

export async function run(ctx: CommandContext, [patient]: string[], flags: Flags): Promise<void> {
  const limit = intFlag(flags.limit, '--limit', { min: 1 }) ?? 10;
  const view = await ctx.withServices((svc) => showLoyalty(svc, patient, Math.min(limit, 1000)));
  if (ctx.json) return printJson(ctx, view);
  await printRecord(ctx, [
    ['patient', `${view.name} (${view.patient})`],
    ['balance', view.balance],
    ['tier', tierLabel(view.tier)],
    ['lifetime points', view.lifetimePoints],
    [
      'next tier',
      view.nextTier ? `${tierLabel(view.nextTier)} in ${view.pointsToNextTier} points` : 'top tier',
    ],
    ['next expiry', view.nextExpiry ? `${view.nextExpiry.points} points on ${view.nextExpiry.date}` : 'none'],
  ]);
  ctx.print('');
  await printTable(
    ctx,
    [
      { header: 'when', value: (e) => e.at },
      { header: 'kind', value: (e) => e.kind },
      { header: 'points', value: (e) => e.points, align: 'right' },
      { header: 'reason', value: (e) => (e.shortfall ? `${e.reason} (short ${e.shortfall})` : e.reason) },
    ],
    view.history,
  );
}
