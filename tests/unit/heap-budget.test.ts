import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { heapBudget } from '../../src/core/heap-budget.js';

describe('heap budget', () => {
  it('does nothing while the heap is under the budget', () => {
    const budget = heapBudget(1024 * 1024); // a terabyte
    expect(budget.check()).toBe(false);
    expect(budget.collections).toBe(0);
  });

  it('collects the garbage of a heap over its budget', () => {
    // Garbage that only a collection frees: short-lived objects kept long enough to be promoted.
    let keep: object[] = [];
    for (let i = 0; i < 400_000; i++) {
      keep.push({ i, text: `message ${i}` });
      if (keep.length === 200_000) keep = [];
    }
    keep = [];
    const before = v8.getHeapStatistics().used_heap_size;
    const budget = heapBudget(1); // 1 MB: over it already
    expect(budget.check()).toBe(true);
    expect(budget.collections).toBe(1);
    expect(v8.getHeapStatistics().used_heap_size).toBeLessThan(before);
  });

  it('grows the budget to twice what survived, so a mostly live heap is not collected at every check', () => {
    const budget = heapBudget(1);
    expect(budget.check()).toBe(true);
    // The heap holds more than 1 MB of live objects (vitest itself): the budget is now twice that.
    expect(budget.check()).toBe(false);
    expect(budget.collections).toBe(1);
  });
});
