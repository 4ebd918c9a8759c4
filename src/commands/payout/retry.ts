import { retryPayouts } from '../../core/payouts/retry-payouts.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { confirmOrRefuse } from '../_shared/prompts.js';
import { printJson } from '../_shared/render.js';

export async function run(ctx: CommandContext, refs: string[], flags: GlobalFlags): Promise<void> {
  const list = refs.flat();
  await confirmOrRefuse(ctx, flags.yes, `Put ${list.length} failed payout(s) back for the next bank export?`);
  const results = await ctx.withServices((svc) => retryPayouts(svc, list));
  if (ctx.json) return printJson(ctx, { payouts: results });
  for (const r of results)
    ctx.print(`${r.reference} is approved again: crm payout export --period ${r.period} writes it`);
}
