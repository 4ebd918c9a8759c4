import { rejectPayout } from '../../core/payouts/reject-payout.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { confirmOrRefuse } from '../_shared/prompts.js';
import { printJson } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  reason: string;
}

export async function run(ctx: CommandContext, [ref]: string[], flags: Flags): Promise<void> {
  await confirmOrRefuse(ctx, flags.yes, `Reject payout ${ref}? It will never be paid or recomputed.`);
  const result = await ctx.withServices((svc) => rejectPayout(svc, ref, flags.reason));
  if (ctx.json) return printJson(ctx, result);
  ctx.print(`rejected ${result.reference}`);
}
