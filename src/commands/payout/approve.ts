import { approvePayouts } from '../../core/payouts/approve-payouts.js';
import { previewPayoutsByRef } from '../../core/payouts/preview-payouts.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { confirmFromDatabase } from '../_shared/prompts.js';
import { printJson } from '../_shared/render.js';
import { describePayouts } from './plan.js';

export async function run(ctx: CommandContext, refs: string[], flags: GlobalFlags): Promise<void> {
  const list = refs.flat();
  const results = await ctx.withServices(async (svc) => {
    await confirmFromDatabase(ctx, flags.yes, svc, async (read) => ({
      action: `approve ${describePayouts(await previewPayoutsByRef(read, list))}, as ${ctx.actor().operator}`,
    }));
    return approvePayouts(svc, list);
  });
  if (ctx.json) return printJson(ctx, { payouts: results });
  for (const r of results)
    ctx.print(
      r.status === 'approved'
        ? `approved ${r.reference}`
        : `recorded approval ${r.approvals} of ${r.requiredApprovals} for ${r.reference}; a second, different approver is needed`,
    );
}
