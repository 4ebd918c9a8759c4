import { randomUUID } from 'node:crypto';
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { execute } from '../db/sql.js';
import { ConflictError } from '../errors.js';
import { patientRepository } from '../patients/patient.repository.js';
import { bookDebit } from './ledger.js';
import { lockAccount } from './ledger.sql.js';
import { LoyaltyRedemption, type Tier } from './loyalty.entity.js';
import { loyaltyRewardRepository } from './loyalty.repository.js';
import { tierLabel, tierRank } from './tiers.js';

export interface RedemptionView {
  id: string;
  reward: string;
  name: string;
  points: number;
  balance: number;
  tier: Tier;
  stockLeft: number | null;
}

/**
 * `loyalty redeem PATIENT --reward CODE`. Tier, balance and stock are checked and taken in one
 * transaction under row locks, the patient's account first, then the reward (the order every
 * loyalty write keeps): two redemptions at once run one after the other, so neither the balance
 * nor the stock can be overdrawn — and the database's checks (balance >= 0, stock >= 0) refuse
 * it even if code got it wrong. Refusals are exit 5: disabled, tier too low, out of stock,
 * insufficient points.
 */
export async function redeemReward(
  ctx: ServiceContext,
  input: { patient: string; reward: string },
): Promise<RedemptionView> {
  const at = ctx.clock.now().toJSDate();
  return ctx.em.transactional(async (em) => {
    const patient = await patientRepository(em).getByRef(input.patient);
    const account = await lockAccount(em, patient.id);
    const reward = await loyaltyRewardRepository(em).getByCode(input.reward, { lock: true });
    const cost = Number(reward.cost);
    if (reward.disabledAt) throw new ConflictError('reward_disabled', `reward ${reward.code} is disabled`);
    if (tierRank(account.tier) < tierRank(reward.minTier))
      throw new ConflictError(
        'tier_too_low',
        `tier too low: reward ${reward.code} needs ${tierLabel(reward.minTier)}, the patient is ${tierLabel(account.tier)}`,
      );
    if (reward.stock === 0) throw new ConflictError('out_of_stock', `reward ${reward.code} is out of stock`);
    if (account.balance < cost)
      throw new ConflictError(
        'insufficient_points',
        `insufficient points: reward ${reward.code} costs ${cost}, the patient has ${account.balance}`,
      );
    const id = randomUUID();
    const booked = await bookDebit(em, {
      patientId: patient.id,
      points: cost,
      kind: 'redeem',
      reason: `reward ${reward.code} ${reward.name}`,
      sourceKey: `redemption:${id}`,
      at,
      whenShort: 'refuse',
    });
    if (reward.stock !== null && reward.stock !== undefined)
      await execute(em, 'update loyalty_reward set stock = stock - 1 where id = $1', [reward.id]);
    em.create(LoyaltyRedemption, {
      id,
      patientId: patient.id,
      rewardId: reward.id,
      points: cost,
      transactionId: booked.entryId!,
      createdAt: at,
    } as never);
    await em.flush();
    const stockLeft = reward.stock === null || reward.stock === undefined ? null : reward.stock - 1;
    await recordAudit(em, ctx.actor, 'loyalty_redemption', id, {
      patient: patient.id,
      reward: reward.code,
      points: cost,
    });
    return {
      id,
      reward: reward.code,
      name: reward.name,
      points: cost,
      balance: booked.balance,
      tier: booked.tier,
      stockLeft,
    };
  });
}
