import { listMilestones } from '../../core/contracts/contract.service.js';
import { parseDuration } from '../../core/time.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';
import { printMilestones } from './render.js';

export async function run(ctx: CommandContext, _args: string[], flags: Record<string, any>): Promise<void> {
  const dueWithin = flags.dueWithin ? parseDuration(flags.dueWithin, '--due-within') : undefined;
  const rows = await ctx.withDatabase((db) =>
    listMilestones(db.em(), ctx.clock, {
      dueWithin,
      overdue: Boolean(flags.overdue),
      contract: flags.contract,
      all: Boolean(flags.all),
    }),
  );
  if (ctx.json) return printJson(ctx, rows);
  await printMilestones(ctx, rows);
}
