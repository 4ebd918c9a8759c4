import type { Booked } from './ledger.js';
import type { LoyaltyReward, Tier } from './loyalty.entity.js';

/** What `crm loyalty award|adjust --json` prints (SPEC appendix: exactly these keys). */
export interface PointsView {
  points: number;
  balance: number;
  lifetimePoints: number;
  tier: Tier;
  tierChanged: boolean;
}

export function toPointsView(b: Booked): PointsView {
  return {
    points: b.points,
    balance: b.balance,
    lifetimePoints: b.lifetimePoints,
    tier: b.tier,
    tierChanged: b.tierChanged,
  };
}

export interface RewardView {
  code: string;
  name: string;
  cost: number;
  minTier: Tier;
  /** null: unlimited. */
  stock: number | null;
  disabled: boolean;
}

export function toRewardView(r: LoyaltyReward): RewardView {
  return {
    code: r.code,
    name: r.name,
    cost: Number(r.cost),
    minTier: r.minTier,
    stock: r.stock ?? null,
    disabled: r.disabledAt != null,
  };
}
