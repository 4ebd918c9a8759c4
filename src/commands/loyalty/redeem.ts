import { redeemReward } from '../../core/loyalty/redeem-reward.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  reward?: string;
}

export async function run(ctx: CommandContext, [patient]: string[], flags: Flags): Promise<void> {
  const result = await ctx.withServices((svc) => redeemReward(svc, { patient, reward: flags.reward ?? '' }));
  if (ctx.json) return printJson(ctx, result);
  ctx.print(
    `redeemed ${result.reward} (${result.name}) for ${result.points} points; balance ${result.balance}`,
  );
}
