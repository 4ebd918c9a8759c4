import type { Tier } from './loyalty.entity.js';

/** The lifetime points each tier starts at (SPEC §3); the database's loyalty_tier_of agrees. */
export const TIER_FLOORS: Record<Tier, number> = { bronze: 0, silver: 2_000, gold: 5_000, platinum: 10_000 };
const ORDER: Tier[] = ['bronze', 'silver', 'gold', 'platinum'];

/** The tier of a lifetime points total. */
export function tierOf(lifetimePoints: number): Tier {
  let tier: Tier = 'bronze';
  for (const t of ORDER) if (lifetimePoints >= TIER_FLOORS[t]) tier = t;
  return tier;
}

export function tierRank(tier: Tier): number {
  return ORDER.indexOf(tier);
}

/** The next tier above `tier` and the lifetime points still needed to reach it (null at the top). */
export function nextTier(tier: Tier, lifetimePoints: number): { tier: Tier; pointsNeeded: number } | null {
  const next = ORDER[tierRank(tier) + 1];
  if (!next) return null;
  return { tier: next, pointsNeeded: Math.max(0, TIER_FLOORS[next] - lifetimePoints) };
}

export function isTier(value: string): value is Tier {
  return (ORDER as string[]).includes(value);
}

/** A tier's name as patients and operators read it (`Gold`). */
export function tierLabel(tier: Tier): string {
  return tier[0].toUpperCase() + tier.slice(1);
}
