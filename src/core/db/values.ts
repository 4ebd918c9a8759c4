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
