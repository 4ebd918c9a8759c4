import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planFifo } from '../../src/core/loyalty/fifo.js';
import { nextTier, tierOf } from '../../src/core/loyalty/tiers.js';

describe('tiers', () => {
  it.each([
    [0, 'bronze'],
    [1_999, 'bronze'],
    [2_000, 'silver'],
    [4_999, 'silver'],
    [5_000, 'gold'],
    [9_999, 'gold'],
    [10_000, 'platinum'],
    [1_000_000, 'platinum'],
  ] as const)('%i lifetime points is %s', (points, tier) => {
    expect(tierOf(points)).toBe(tier);
  });

  it('says how far the next tier is, and nothing above platinum', () => {
    expect(nextTier('bronze', 1_999)).toEqual({ tier: 'silver', pointsNeeded: 1 });
    expect(nextTier('silver', 2_150)).toEqual({ tier: 'gold', pointsNeeded: 2_850 });
    expect(nextTier('platinum', 12_000)).toBeNull();
  });
});

describe('FIFO lot consumption', () => {
  it('takes the oldest lots first, a named lot before them', () => {
    const lots = [
      { id: 'a', remaining: 30 },
      { id: 'b', remaining: 50 },
      { id: 'c', remaining: 20 },
    ];
    expect(planFifo(lots, 60)).toEqual({
      takes: [
        { id: 'a', take: 30 },
        { id: 'b', take: 30 },
      ],
      taken: 60,
      missing: 0,
    });
    expect(planFifo(lots, 40, 'c').takes).toEqual([
      { id: 'c', take: 20 },
      { id: 'a', take: 20 },
    ]);
    expect(planFifo(lots, 150)).toMatchObject({ taken: 100, missing: 50 });
  });

  it('against a point-by-point reference: the same points go, never more than a lot holds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 200 }), { maxLength: 12 }),
        fc.nat({ max: 2_000 }),
        (sizes, points) => {
          const lots = sizes.map((remaining, i) => ({ id: `l${i}`, remaining }));
          const plan = planFifo(lots, points);
          // Reference: one point at a time from the first lot that still has one.
          const left = sizes.slice();
          let want = points;
          for (let i = 0; i < left.length && want > 0; i++)
            while (left[i] > 0 && want > 0) {
              left[i]--;
              want--;
            }
          const after = sizes.slice();
          for (const t of plan.takes) after[Number(t.id.slice(1))] -= t.take;
          expect(after).toEqual(left);
          expect(plan.missing).toBe(want);
          expect(after.every((r) => r >= 0)).toBe(true);
          expect(plan.takes.every((t) => t.take > 0)).toBe(true);
        },
      ),
    );
  });
});
