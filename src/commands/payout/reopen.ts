import { previewPayoutsByRef } from '../../core/payouts/preview-payouts.js';
import { reopenPayout } from '../../core/payouts/reopen-payout.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { confirmFromDatabase } from '../_shared/prompts.js';
import { printJson } from '../_shared/render.js';
import { describePayouts } from './plan.js';

export async function run(ctx: CommandContext, [ref]: string[], flags: GlobalFlags): Promise<void> {
  const result = await ctx.withServices(async (svc) => {
    await confirmFromDatabase(ctx, flags.yes, svc, async (read) => ({
      action: `reopen ${describePayouts(await previewPayoutsByRef(read, [ref]))}`,
      note: 'The next payout run recalculates it.',
    }));
    return reopenPayout(svc, ref);
  });
  if (ctx.json) return printJson(ctx, result);
  ctx.print(
    `reopened ${result.reference}: calculated (revision ${result.revision}); crm payout run --period ${result.period} recalculates it`,
  );
}
