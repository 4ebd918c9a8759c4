import type { LoyaltySummary } from '../../core/loyalty/loyalty.queries.js';
import { tierLabel } from '../../core/loyalty/tiers.js';

const n = (v: number) => v.toLocaleString('en-NG');

/** One line of a patient's standing: `Silver, 2,150 points (lifetime 2,150; 2,850 to Gold)`. */
export function loyaltyLine(s: LoyaltySummary): string {
  const next = s.nextTier ? `; ${n(s.pointsToNextTier ?? 0)} to ${tierLabel(s.nextTier)}` : '';
  const expiry = s.nextExpiry ? `; ${n(s.nextExpiry.points)} expire ${s.nextExpiry.date}` : '';
  return `${tierLabel(s.tier)}, ${n(s.balance)} points (lifetime ${n(s.lifetimePoints)}${next}${expiry})`;
}
