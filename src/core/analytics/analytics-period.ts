import type { Clock } from '../time.js';
import { type Period, parsePeriod } from '../time.js';

/** The period a report covers and the one before it, which every change is measured against. */
export interface ReportPeriods {
  current: Period;
  previous: Period;
}

/**
 * `--period YYYY-MM|YYYY-Qn`, or the Lagos month that holds "now" (CRM_NOW in rehearsals): a
 * dashboard read mid-month shows the month so far against the whole month before it.
 */
export function reportPeriods(input: string | undefined, clock: Clock): ReportPeriods {
  const current = parsePeriod(input ?? clock.now().setZone('Africa/Lagos').toFormat('yyyy-MM'));
  const before = current.start.minus({ days: 1 });
  const previous = parsePeriod(
    current.frequency === 'monthly'
      ? before.toFormat('yyyy-MM')
      : `${before.year}-Q${Math.ceil(before.month / 3)}`,
  );
  return { current, previous };
}

/** A figure with its value in the period before and the change between them (null: not defined). */
export interface Figure {
  value: number | null;
  previous: number | null;
  change: number | null;
}

export function figure(value: number | null, previous: number | null): Figure {
  return { value, previous, change: value === null || previous === null ? null : round6(value - previous) };
}

/** A share (0..1) of `part` in `whole`, null when the whole is empty; six decimals. */
export function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : round6(part / whole);
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;
