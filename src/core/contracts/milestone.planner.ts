import { DateTime } from 'luxon';
import { LAGOS } from '../time.js';

export type MilestoneKind = 'quarterly_review' | 'annual_review';

export interface PlannedMilestone {
  kind: MilestoneKind;
  dueDate: string;
}

/** How far ahead milestones are planned for an open-ended contract. */
export const OPEN_ENDED_HORIZON_YEARS = 3;

/**
 * The review milestones of a contract (SPEC §1): a quarterly review every 3 months from the start
 * date and an annual review every 12 months, up to the end date, or 3 years after the start when
 * the contract is open-ended. Each date is counted from the start (not from the previous review),
 * so a start on the 31st gives the last day of shorter months without drifting.
 */
export function planMilestones(startDate: string, endDate: string | null): PlannedMilestone[] {
  const start = DateTime.fromISO(startDate, { zone: LAGOS });
  if (!start.isValid) throw new RangeError(`startDate must be YYYY-MM-DD (got ${startDate})`);
  const limit = endDate
    ? DateTime.fromISO(endDate, { zone: LAGOS })
    : start.plus({ years: OPEN_ENDED_HORIZON_YEARS });
  const planned: PlannedMilestone[] = [];
  for (const [kind, months] of [
    ['quarterly_review', 3],
    ['annual_review', 12],
  ] as const) {
    for (let k = 1; ; k++) {
      const due = start.plus({ months: months * k });
      if (due > limit) break;
      planned.push({ kind, dueDate: due.toISODate()! });
    }
  }
  return planned.sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.kind.localeCompare(b.kind));
}
