import { disableReward } from '../../core/loyalty/disable-reward.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';

export async function run(ctx: CommandContext, [code]: string[]): Promise<void> {
  const reward = await ctx.withServices((svc) => disableReward(svc, code));
  if (ctx.json) return printJson(ctx, reward);
  ctx.print(`disabled reward ${reward.code} (${reward.name})`);
}
