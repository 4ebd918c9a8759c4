import { randomUUID } from 'node:crypto';

/**
 * A time-ordered UUID (version 7: 48-bit Unix milliseconds, then random bits). Bulk inserts keyed
 * by these land at the right edge of the primary-key index instead of on random pages, which is
 * what keeps a million-row import from being dominated by index page misses and full-page WAL writes.
 */
export function uuid7(now = Date.now()): string {
  const ts = now.toString(16).padStart(12, '0');
  // randomUUID is a v4: keep its random tail (variant bits included) and set version 7.
  return `${ts.slice(0, 8)}-${ts.slice(8, 12)}-7${randomUUID().slice(15)}`;
}
