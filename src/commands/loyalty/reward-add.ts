import { addReward } from '../../core/loyalty/add-reward.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { intFlag } from '../_shared/flags.js';
import { printJson } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  name?: string;
  cost?: string;
  minTier?: string;
  stock?: string;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  const input = {
    name: flags.name ?? '',
    cost: intFlag(flags.cost, '--cost', { min: 1 }) ?? 0,
    minTier: flags.minTier ?? '',
    stock: intFlag(flags.stock, '--stock'),
  };
  const reward = await ctx.withServices((svc) => addReward(svc, input));
  if (ctx.json) return printJson(ctx, reward);
  ctx.print(
    `added reward ${reward.code}: ${reward.name}, ${reward.cost} points, ${reward.minTier} and up, stock ${reward.stock ?? 'unlimited'}`,
  );
}
