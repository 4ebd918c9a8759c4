import { listMilestones } from '../../core/contracts/contract-milestones.js';
import { parseDuration } from '../../core/time.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';
import { printMilestones } from './render.js';

interface Flags extends GlobalFlags {
  dueWithin?: string;
  overdue?: boolean;
  contract?: string;
  all?: boolean;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  const dueWithin = flags.dueWithin ? parseDuration(flags.dueWithin, '--due-within') : undefined;
  const rows = await ctx.withServices((svc) =>
    listMilestones(svc, {
      dueWithin,
      overdue: Boolean(flags.overdue),
      contract: flags.contract,
      all: Boolean(flags.all),
    }),
  );
  if (ctx.json) return printJson(ctx, rows);
  await printMilestones(ctx, rows);
}
