import { UsageError } from '../../core/errors.js';
import type { LoyaltySummary } from '../../core/loyalty/loyalty.queries.js';
import { tierLabel } from '../../core/loyalty/tiers.js';

const n = (v: number) => v.toLocaleString('en-NG');

/** One line of a patient's standing: `Silver, 2,150 points (lifetime 2,150; 2,850 to Gold)`. */
export function loyaltyLine(s: LoyaltySummary): string {
  const next = s.nextTier ? `; ${n(s.pointsToNextTier ?? 0)} to ${tierLabel(s.nextTier)}` : '';
  const expiry = s.nextExpiry ? `; ${n(s.nextExpiry.points)} expire ${s.nextExpiry.date}` : '';
  return `${tierLabel(s.tier)}, ${n(s.balance)} points (lifetime ${n(s.lifetimePoints)}${next}${expiry})`;
}

/** A signed whole number of points, or a usage error naming the flag. */
export function pointsFlag(value: string | undefined, flag: string): number {
  const text = value?.trim() ?? '';
  if (!/^[+-]?\d{1,9}$/.test(text))
    throw new UsageError(`${flag}: expected a whole number of points, got "${value}"`);
  return Number(text);
}
