import { UsageError } from '../../core/errors.js';

/** A whole number flag, or a usage error naming the flag. */
export function intFlag(value: string | undefined, flag: string, { min = 0 } = {}): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < min) {
    throw new UsageError(`${flag}: expected a whole number${min > 0 ? ` ≥ ${min}` : ''}, got "${value}"`);
  }
  return Number(value);
}
