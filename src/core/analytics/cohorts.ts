/**
 * `crm analytics cohorts`: do patients come back? Each cohort is the patients whose first
 * completed appointment fell in one month; its row gives the share of them who completed an
 * appointment again 1, 2, 3 … months later, up to the current month.
 */
import type { ServiceContext } from '../context.js';
import { ValidationError } from '../errors.js';
import { parsePeriod } from '../time.js';
import { ratio } from './analytics-period.js';
import { retentionCells } from './cohorts.sql.js';

export interface Cohort {
  /** `YYYY-MM`: the month of the cohort's first completed appointments. */
  month: string;
  patients: number;
  /** Share of the cohort back in each following month: [+1 month, +2 months, …] up to now. */
  retention: number[];
}

export async function retentionCohorts(
  ctx: ServiceContext,
  input: { from?: string },
): Promise<{ from: string; to: string; cohorts: Cohort[] }> {
  const now = ctx.clock.now().setZone('Africa/Lagos').startOf('month');
  const to = now.toFormat('yyyy-MM');
  const from = input.from
    ? parsePeriod(input.from, 'from')
    : parsePeriod(now.minus({ months: 11 }).toFormat('yyyy-MM'));
  if (from.frequency !== 'monthly') throw new ValidationError('from', input.from, 'a month, YYYY-MM');
  const cells = await retentionCells(ctx.em, from.firstDay, now.toISODate()!);
  const cohorts = new Map<string, Cohort>();
  for (const cell of cells) {
    if (cell.offset === 0) {
      const start = parsePeriod(cell.cohort).start;
      const months = Math.round(now.diff(start, 'months').months);
      cohorts.set(cell.cohort, {
        month: cell.cohort,
        patients: Number(cell.patients),
        retention: Array(months).fill(0),
      });
    } else {
      const cohort = cohorts.get(cell.cohort)!;
      cohort.retention[cell.offset - 1] = ratio(Number(cell.patients), cohort.patients)!;
    }
  }
  return { from: from.label, to, cohorts: [...cohorts.values()] };
}
