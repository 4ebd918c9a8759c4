import { completeMilestone } from '../../core/contracts/contract-milestones.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  notes: string;
}

export async function run(ctx: CommandContext, [ref]: string[], flags: Flags): Promise<void> {
  const m = await ctx.withServices((svc) => completeMilestone(svc, ref, flags.notes));
  if (ctx.json) return printJson(ctx, m);
  ctx.print(`completed the ${m.kind.replace('_', ' ')} of ${m.contract} due ${m.dueDate}`);
}
