import { runPayouts } from '../../core/payouts/payout.service.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';
import { printPayouts } from './render.js';

export async function run(ctx: CommandContext, _args: string[], flags: Record<string, any>): Promise<void> {
  const result = await ctx.withDatabase((db) =>
    runPayouts(db, ctx.config, ctx.clock, {
      period: flags.period,
      dryRun: Boolean(flags.dryRun),
      actor: ctx.actor(),
    }),
  );
  if (ctx.json) return printJson(ctx, result);
  await printPayouts(ctx, result.payouts, result.totals);
  ctx.print(
    `${result.dryRun ? 'dry run, nothing written — would create' : 'created'} ${result.created}, ${result.dryRun ? 'update' : 'updated'} ${result.updated}, unchanged ${result.unchanged}, kept ${result.kept} (approved, exported, paid or rejected)`,
  );
}
