import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { ValidationError } from '../errors.js';
import { LoyaltyReward } from './loyalty.entity.js';
import { type RewardView, toRewardView } from './loyalty.view.js';
import { isTier } from './tiers.js';

export interface AddRewardInput {
  name: string;
  cost: number;
  minTier: string;
  stock?: number;
}

/** `loyalty reward add`: a reward of the catalogue; the database gives it its short code (RW-0001). */
export async function addReward(ctx: ServiceContext, input: AddRewardInput): Promise<RewardView> {
  const name = input.name?.trim() ?? '';
  if (!name || name.length > 200)
    throw new ValidationError('--name', input.name, 'a name of 1 to 200 characters');
  if (!Number.isSafeInteger(input.cost) || input.cost < 1 || input.cost > 10_000_000)
    throw new ValidationError('--cost', input.cost, 'a whole number of points from 1 to 10,000,000');
  const minTier = input.minTier?.trim().toLowerCase() ?? '';
  if (!isTier(minTier))
    throw new ValidationError('--min-tier', input.minTier, 'one of bronze, silver, gold, platinum');
  if (
    input.stock !== undefined &&
    (!Number.isSafeInteger(input.stock) || input.stock < 0 || input.stock > 2_000_000_000)
  )
    throw new ValidationError('--stock', input.stock, 'a whole number ≥ 0 (leave it out for unlimited)');
  return ctx.em.transactional(async (em) => {
    const reward = em.create(LoyaltyReward, {
      name,
      cost: input.cost,
      minTier,
      stock: input.stock ?? null,
      createdAt: ctx.clock.now().toJSDate(),
    } as never);
    await em.flush();
    await em.refresh(reward);
    await recordAudit(em, ctx.actor, 'loyalty_reward', reward.id, {
      code: reward.code,
      name,
      cost: input.cost,
      minTier,
      stock: input.stock ?? null,
    });
    return toRewardView(reward);
  });
}
