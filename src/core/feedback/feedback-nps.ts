/** `crm feedback nps`: the NPS report (feedback.sql.ts `npsReport`, scored by nps.calculator.ts). */
import type { ServiceContext } from '../context.js';
import { ValidationError } from '../errors.js';
import { hospitalRepository } from '../hospitals/hospital.repository.js';
import { parsePeriod } from '../time.js';
import { FEEDBACK_CATEGORIES, type FeedbackCategory } from './feedback.entity.js';
import { type NpsGrouping, type NpsRow, npsReport } from './feedback.sql.js';
import { isThinSample, netPromoterScore } from './nps.calculator.js';

export interface NpsGroup {
  /** Hospital code, doctor code, `YYYY-MM`, or `all`; null for feedback without a doctor. */
  key: string | null;
  label: string | null;
  /** Feedback in the group (with or without an NPS answer). */
  responses: number;
  /** Feedback with an NPS answer. */
  npsResponses: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** −100…100, one decimal; null when nobody answered. */
  nps: number | null;
  /** Fewer than 30 NPS answers: the score is shown but not to be trusted. */
  thinSample: boolean;
  averageRating: number | null;
  /** Average score per category (null: not scored in this group). */
  categories: Record<FeedbackCategory, number | null>;
}

export interface NpsReport {
  by: NpsGrouping;
  hospital: string | null;
  period: string | null;
  groups: NpsGroup[];
}

export interface NpsInput {
  hospital?: string;
  period?: string;
  by?: string;
}

const BY: NpsGrouping[] = ['hospital', 'doctor', 'month'];
const round2 = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);

export async function feedbackNps(ctx: ServiceContext, input: NpsInput = {}): Promise<NpsReport> {
  const by = (input.by?.trim().toLowerCase() ?? 'all') as NpsGrouping;
  if (input.by !== undefined && !BY.includes(by))
    throw new ValidationError('--by', input.by, `expected ${BY.join(', ')}`);
  const period = input.period ? parsePeriod(input.period, '--period') : undefined;
  const hospital = input.hospital ? await hospitalRepository(ctx.em).getByRef(input.hospital) : undefined;
  const rows = await npsReport(ctx.em, by, {
    hospitalId: hospital?.id,
    from: period?.start.toJSDate(),
    to: period?.end.toJSDate(),
  });
  return {
    by,
    hospital: hospital?.code ?? null,
    period: period?.label ?? null,
    // `all` over no feedback is one row of zeros: shown as "no answers", not left out.
    groups: rows.map(toGroup),
  };
}

export function toGroup(row: NpsRow): NpsGroup {
  const npsResponses = row.promoters + row.passives + row.detractors;
  const categories = {} as Record<FeedbackCategory, number | null>;
  for (const c of FEEDBACK_CATEGORIES) categories[c] = round2(row[`avg_${c}`]);
  return {
    key: row.key,
    label: row.label,
    responses: row.responses,
    npsResponses,
    promoters: row.promoters,
    passives: row.passives,
    detractors: row.detractors,
    nps: netPromoterScore(row),
    thinSample: isThinSample(npsResponses),
    averageRating: round2(row.avg_rating),
    categories,
  };
}
