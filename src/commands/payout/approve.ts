import { approvePayouts } from '../../core/payouts/approve-payouts.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { confirmOrRefuse } from '../_shared/prompts.js';
import { printJson } from '../_shared/render.js';

export async function run(ctx: CommandContext, refs: string[], flags: GlobalFlags): Promise<void> {
  const list = refs.flat();
  await confirmOrRefuse(ctx, flags.yes, `Approve ${list.length} payout(s) as ${ctx.actor().operator}?`);
  const results = await ctx.withServices((svc) => approvePayouts(svc, list));
  if (ctx.json) return printJson(ctx, { payouts: results });
  for (const r of results)
    ctx.print(
      r.status === 'approved'
        ? `approved ${r.reference}`
        : `recorded approval ${r.approvals} of ${r.requiredApprovals} for ${r.reference}; a second, different approver is needed`,
    );
}
