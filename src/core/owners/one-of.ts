import { ValidationError } from '../errors.js';

/** `value` (trimmed, lower-cased) if it is one of `list`; a validation error of `field` otherwise. */
export function oneOf<T extends string>(list: readonly T[], value: string | undefined, field: string): T {
  const v = (value ?? '').trim().toLowerCase();
  if (!(list as readonly string[]).includes(v))
    throw new ValidationError(field, value, `use ${list.join(', ')}`);
  return v as T;
}
