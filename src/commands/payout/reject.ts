import { rejectPayout } from '../../core/payouts/payout-approval.service.js';
import type { CommandContext } from '../_shared/context.js';
import { confirmOrRefuse } from '../_shared/prompts.js';
import { printJson } from '../_shared/render.js';

export async function run(ctx: CommandContext, [ref]: string[], flags: Record<string, any>): Promise<void> {
  await confirmOrRefuse(ctx, flags.yes, `Reject payout ${ref}? It will never be paid or recomputed.`);
  const result = await ctx.withDatabase((db) =>
    rejectPayout(db.em(), ctx.config, ctx.clock, ref, flags.reason, ctx.actor()),
  );
  if (ctx.json) return printJson(ctx, result);
  ctx.print(`rejected ${result.reference}`);
}
