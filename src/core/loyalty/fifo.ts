/**
 * Which earning lots a debit takes its points from: the oldest first (SPEC §3), so that every
 * point left has a known earning date and so a known expiry date. A reversal names the lot of
 * the entry it reverses, which is taken first: the points that should never have been awarded
 * go, and the older points keep their dates.
 */
export interface OpenLot {
  id: string;
  remaining: number;
}

export interface LotTake {
  id: string;
  take: number;
}

/**
 * Takes `points` from `lots` (already in oldest-first order), `first` before the others.
 * Returns the takes and how many points could not be taken (lots exhausted).
 */
export function planFifo(
  lots: readonly OpenLot[],
  points: number,
  first?: string,
): { takes: LotTake[]; taken: number; missing: number } {
  if (!Number.isSafeInteger(points) || points < 0)
    throw new RangeError(`points must be a whole number ≥ 0: ${points}`);
  const ordered = first
    ? [...lots.filter((l) => l.id === first), ...lots.filter((l) => l.id !== first)]
    : lots;
  const takes: LotTake[] = [];
  let left = points;
  for (const lot of ordered) {
    if (left === 0) break;
    if (lot.remaining <= 0) continue;
    const take = Math.min(lot.remaining, left);
    takes.push({ id: lot.id, take });
    left -= take;
  }
  return { takes, taken: points - left, missing: left };
}
