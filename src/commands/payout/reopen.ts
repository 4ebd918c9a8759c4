import { reopenPayout } from '../../core/payouts/reopen-payout.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { confirmOrRefuse } from '../_shared/prompts.js';
import { printJson } from '../_shared/render.js';

export async function run(ctx: CommandContext, [ref]: string[], flags: GlobalFlags): Promise<void> {
  await confirmOrRefuse(
    ctx,
    flags.yes,
    `Reopen rejected payout ${ref}? The next payout run recalculates it.`,
  );
  const result = await ctx.withServices((svc) => reopenPayout(svc, ref));
  if (ctx.json) return printJson(ctx, result);
  ctx.print(
    `reopened ${result.reference}: calculated (revision ${result.revision}); crm payout run --period ${result.period} recalculates it`,
  );
}
