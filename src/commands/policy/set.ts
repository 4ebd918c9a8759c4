import { setPolicy } from '../../core/access/policy.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { confirmOrRefuse } from '../_shared/prompts.js';
import { printJson } from '../_shared/render.js';

export async function run(
  ctx: CommandContext,
  [setting, value]: string[],
  flags: GlobalFlags,
): Promise<void> {
  await confirmOrRefuse(ctx, flags.yes, {
    action: `set ${setting} to ${value}`,
    note: `It applies to every payout from now on.`,
  });
  const view = await ctx.withServices((svc) => setPolicy(svc, setting, value));
  if (ctx.json) return printJson(ctx, view);
  ctx.print(`${view.setting} is now ${view.value} (set by ${view.changedBy})`);
}
