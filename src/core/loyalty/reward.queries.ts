import type { ServiceContext } from '../context.js';
import { LoyaltyReward } from './loyalty.entity.js';
import { type RewardView, toRewardView } from './loyalty.view.js';

/** `loyalty reward list`: the catalogue by code, disabled rewards only when asked for. */
export async function listRewards(
  ctx: ServiceContext,
  options: { all?: boolean } = {},
): Promise<RewardView[]> {
  const rewards = await ctx.em.find(LoyaltyReward, options.all ? {} : { disabledAt: null }, {
    orderBy: { code: 'asc' },
  });
  return rewards.map(toRewardView);
}
