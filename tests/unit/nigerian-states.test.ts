import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalState, NIGERIAN_STATES } from '../../src/core/hospitals/nigerian-states.js';

describe('canonicalState', () => {
  it('knows the 36 states and the FCT, each by its own spelling', () => {
    expect(NIGERIAN_STATES).toHaveLength(37);
    for (const state of NIGERIAN_STATES) expect(canonicalState(state)).toBe(state);
  });

  it('reads the ways operators write them', () => {
    expect(
      [
        'lagos',
        'LAGOS STATE',
        ' Lagos ',
        'Akwa-Ibom',
        'akwa ibom state',
        'Abuja',
        'F.C.T.',
        'Nassarawa',
        'cross-river',
      ].map(canonicalState),
    ).toEqual(['Lagos', 'Lagos', 'Lagos', 'Akwa Ibom', 'Akwa Ibom', 'FCT', 'FCT', 'Nasarawa', 'Cross River']);
  });

  it('names no state for anything else', () => {
    for (const text of ['Narnia', '', 'State', 'Lagos Island', 'Accra'])
      expect(canonicalState(text)).toBeUndefined();
    fc.assert(
      fc.property(fc.string(), (text) => {
        const state = canonicalState(text);
        return state === undefined || NIGERIAN_STATES.includes(state);
      }),
    );
  });
});
