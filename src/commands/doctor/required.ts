import { UsageError } from '../../core/errors.js';

/** Every missing flag of a command, in one usage error (exit 2). */
export function requireFlags(flags: Record<string, unknown>, names: Record<string, string>): void {
  const missing = Object.entries(names)
    .filter(([key]) => flags[key] === undefined || flags[key] === '')
    .map(([, flag]) => flag);
  if (missing.length > 0) throw new UsageError(`missing ${missing.join(', ')}`);
}
