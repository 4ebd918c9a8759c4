import type { DateTime } from 'luxon';
import { LAGOS } from '../time.js';

export interface QuietHours {
  /** `HH:mm` Lagos time; when start > end the quiet period spans midnight (21:00–08:00). */
  start: string;
  end: string;
}

function at(day: DateTime, hhmm: string): DateTime {
  const [hour, minute] = hhmm.split(':').map(Number);
  return day.set({ hour, minute, second: 0, millisecond: 0 });
}

/**
 * When `now` falls in the quiet hours, the instant they end (Lagos time); otherwise undefined.
 */
export function quietPeriodEnd(now: DateTime, quiet: QuietHours | null): DateTime | undefined {
  if (!quiet) return undefined;
  const local = now.setZone(LAGOS);
  const start = at(local, quiet.start);
  const end = at(local, quiet.end);
  if (quiet.start < quiet.end) {
    // Same-day period (e.g. 13:00–15:00).
    return local >= start && local < end ? end : undefined;
  }
  // Across midnight: quiet from start until midnight, and from midnight until end.
  if (local >= start) return end.plus({ days: 1 });
  if (local < end) return end;
  return undefined;
}
