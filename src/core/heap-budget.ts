import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * A bound on the JavaScript heap of a long batch (a campaign's sender), checked between groups.
 *
 * Why: a sender's live objects stay small (~32 MB, whatever the audience), but under a sustained
 * stream of provider calls V8 lets garbage pile up in the old generation before it collects,
 * and sizes its heap to the pile: an SMS sender's resident memory climbed to 230 MB at 150,000
 * messages and to 257-271 MB during a million, above the 250 MB a sender may use. V8's own
 * limits (`--max-old-space-size`, `--max-semi-space-size`) are process flags that a `crm` command
 * cannot set for itself. Instead, when the heap has grown past the budget, the sender asks for a
 * full collection: the heap then shrinks back to what is live (BENCHMARKS.md, session 13).
 *
 * The collector is reached the way test runners do (jest's leak detector): the `--expose-gc`
 * flag set at run time, then the `gc` function of a new context. Setting it happens once, on the
 * first collection, when the command's modules are loaded: V8 refuses a code cache made under
 * other flags, so setting it at start would cost the command its cached compile (scripts/bundle.mjs,
 * bin/crm.js).
 */
export interface HeapBudget {
  /** Collects when the heap is over the budget; true when it did. */
  check(): boolean;
  /** Collections so far. */
  readonly collections: number;
}

export function heapBudget(limitMb: number): HeapBudget {
  let limit = limitMb * 1024 * 1024;
  let gc: (() => void) | undefined;
  let collections = 0;
  return {
    check() {
      // Objects on the heap, live or garbage: what a collection frees is the difference.
      if (v8.getHeapStatistics().used_heap_size < limit) return false;
      gc ??= exposedGc();
      gc();
      collections++;
      // A heap that is mostly live is not garbage to chase: collecting at every check would cost
      // a full collection per group. The budget then grows to twice what survived.
      const live = v8.getHeapStatistics().used_heap_size;
      limit = Math.max(limit, live * 2);
      return true;
    },
    get collections() {
      return collections;
    },
  };
}

function exposedGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}
