import { previewPayoutsByRef } from '../../core/payouts/preview-payouts.js';
import { unapprovePayout } from '../../core/payouts/unapprove-payout.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { confirmFromDatabase } from '../_shared/prompts.js';
import { printJson } from '../_shared/render.js';
import { describePayouts } from './plan.js';

export async function run(ctx: CommandContext, [ref]: string[], flags: GlobalFlags): Promise<void> {
  const result = await ctx.withServices(async (svc) => {
    await confirmFromDatabase(ctx, flags.yes, svc, async (read) => ({
      action: `unapprove ${describePayouts(await previewPayoutsByRef(read, [ref]))}`,
      note: 'It goes back to calculated and needs its approvals again.',
    }));
    return unapprovePayout(svc, ref);
  });
  if (ctx.json) return printJson(ctx, result);
  ctx.print(`unapproved ${result.reference}: calculated again (revision ${result.revision})`);
}
