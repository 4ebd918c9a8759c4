/**
 * Conversions between what PostgreSQL returns and what the core's views hold, shared by every
 * domain.
 */
import { toIsoLagos } from '../time.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `text` is a UUID (any version), i.e. an id rather than a human code or reference. */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}

const LOWEST_ID = '00000000-0000-0000-0000-000000000000';
const HIGHEST_ID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

/**
 * The ids that start with `prefix` (an id as operators shorten it: `4cbdd2fa`), as an inclusive
 * range for a `where` on a uuid column — ids compare as their text does, so the primary key's
 * index answers it — or undefined when no id can start with it (a dash in the wrong place).
 * Callers check first that it is hex and dashes of a sensible length.
 */
export function idPrefixRange(prefix: string): { $gte: string; $lte: string } | undefined {
  const text = prefix.toLowerCase();
  for (let i = 0; i < text.length; i++) if ((LOWEST_ID[i] === '-') !== (text[i] === '-')) return undefined;
  return { $gte: text + LOWEST_ID.slice(text.length), $lte: text + HIGHEST_ID.slice(text.length) };
}

/**
 * A timestamp as the JSON views show it (ISO 8601, Lagos offset). Entities give `Date`s; raw rows
 * give `Date`s on PostgreSQL and may give strings where a column was cast to text.
 */
export function isoTimestamp(value: Date | string): string {
  return toIsoLagos(value instanceof Date ? value : new Date(value));
}

/** The same, for a nullable column. */
export function isoTimestampOrNull(value: Date | string | null | undefined): string | null {
  return value === null || value === undefined ? null : isoTimestamp(value);
}
