import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { ConflictError } from '../errors.js';
import { loyaltyRewardRepository } from './loyalty.repository.js';
import { type RewardView, toRewardView } from './loyalty.view.js';

/** `loyalty reward disable CODE`: no more redemptions of it (past ones stay). Twice is exit 5. */
export async function disableReward(ctx: ServiceContext, code: string): Promise<RewardView> {
  return ctx.em.transactional(async (em) => {
    const reward = await loyaltyRewardRepository(em).getByCode(code, { lock: true });
    if (reward.disabledAt)
      throw new ConflictError('reward_disabled', `reward ${reward.code} is already disabled`);
    reward.disabledAt = ctx.clock.now().toJSDate();
    await em.flush();
    await recordAudit(em, ctx.actor, 'loyalty_reward', reward.id, { code: reward.code, disabled: true });
    return toRewardView(reward);
  });
}
