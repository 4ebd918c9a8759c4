import { completeMilestone } from '../../core/contracts/contract.service.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';

export async function run(ctx: CommandContext, [ref]: string[], flags: Record<string, any>): Promise<void> {
  const m = await ctx.withDatabase((db) =>
    completeMilestone(db.em(), ctx.clock, ref, flags.notes, ctx.actor()),
  );
  if (ctx.json) return printJson(ctx, m);
  ctx.print(`completed the ${m.kind.replace('_', ' ')} of ${m.contract} due ${m.dueDate}`);
}
