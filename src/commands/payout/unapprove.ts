import { unapprovePayout } from '../../core/payouts/unapprove-payout.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { confirmOrRefuse } from '../_shared/prompts.js';
import { printJson } from '../_shared/render.js';

export async function run(ctx: CommandContext, [ref]: string[], flags: GlobalFlags): Promise<void> {
  await confirmOrRefuse(
    ctx,
    flags.yes,
    `Unapprove payout ${ref}? It goes back to calculated and needs its approvals again.`,
  );
  const result = await ctx.withServices((svc) => unapprovePayout(svc, ref));
  if (ctx.json) return printJson(ctx, result);
  ctx.print(`unapproved ${result.reference}: calculated again (revision ${result.revision})`);
}
