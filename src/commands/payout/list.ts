import { listPayouts } from '../../core/payouts/payout.service.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';
import { printPayouts } from './render.js';

export async function run(
  ctx: CommandContext,
  _args: string[],
  flags: Record<string, string>,
): Promise<void> {
  const result = await ctx.withDatabase((db) =>
    listPayouts(db.em(), {
      period: flags.period,
      status: flags.status,
      hospital: flags.hospital,
      contract: flags.contract,
    }),
  );
  if (ctx.json) return printJson(ctx, result);
  await printPayouts(ctx, result.payouts, result.totals);
}
