import { previewPayoutsByRef } from '../../core/payouts/preview-payouts.js';
import { retryPayouts } from '../../core/payouts/retry-payouts.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { confirmFromDatabase } from '../_shared/prompts.js';
import { printJson } from '../_shared/render.js';
import { describePayouts } from './plan.js';

export async function run(ctx: CommandContext, refs: string[], flags: GlobalFlags): Promise<void> {
  const list = refs.flat();
  const results = await ctx.withServices(async (svc) => {
    await confirmFromDatabase(ctx, flags.yes, svc, async (read) => ({
      action: `put ${describePayouts(await previewPayoutsByRef(read, list))} back for the next bank export`,
    }));
    return retryPayouts(svc, list);
  });
  if (ctx.json) return printJson(ctx, { payouts: results });
  for (const r of results)
    ctx.print(`${r.reference} is approved again: crm payout export --period ${r.period} writes it`);
}
