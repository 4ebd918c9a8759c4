/**
 * `crm analytics hospitals`: one scorecard per hospital for a period, sortable by any of its
 * figures, with the feedback of the period (rating, NPS) and the alerts as they stand now.
 */
import type { ServiceContext } from '../context.js';
import { ValidationError } from '../errors.js';
import { isThinSample, netPromoterScore } from '../feedback/nps.calculator.js';
import { ratio, reportPeriods } from './analytics-period.js';
import { hospitalScorecardRows, type ScorecardRow } from './hospital-scorecards.sql.js';

export interface HospitalScorecard {
  hospital: string;
  name: string;
  revenueKobo: number;
  ownerShareKobo: number;
  topUpKobo: number;
  newPatients: number;
  activePatients: number;
  appointments: number;
  noShowRate: number | null;
  reminderDelivery: { sms: number | null; whatsapp: number | null; email: number | null };
  /** Feedback submitted in the period: average overall rating (1–5), null without feedback. */
  averageRating: number | null;
  feedbackResponses: number;
  /** −100…100 from the period's NPS answers; null without answers. */
  nps: number | null;
  npsResponses: number;
  /** Fewer than 30 NPS answers. */
  thinSample: boolean;
  /** Low-rating alerts not resolved now, and those of them past their due time. */
  openAlerts: number;
  overdueAlerts: number;
}

/** `--sort` keys, each the figure's name in kebab case; larger first, nulls last. */
export const SCORECARD_SORTS = {
  hospital: (c: HospitalScorecard) => c.hospital,
  revenue: (c: HospitalScorecard) => c.revenueKobo,
  'owner-share': (c: HospitalScorecard) => c.ownerShareKobo,
  'top-up': (c: HospitalScorecard) => c.topUpKobo,
  'new-patients': (c: HospitalScorecard) => c.newPatients,
  'active-patients': (c: HospitalScorecard) => c.activePatients,
  appointments: (c: HospitalScorecard) => c.appointments,
  'no-show-rate': (c: HospitalScorecard) => c.noShowRate,
  rating: (c: HospitalScorecard) => c.averageRating,
  nps: (c: HospitalScorecard) => c.nps,
  'open-alerts': (c: HospitalScorecard) => c.openAlerts,
  'overdue-alerts': (c: HospitalScorecard) => c.overdueAlerts,
} as const;
export type ScorecardSort = keyof typeof SCORECARD_SORTS;

export interface ScorecardsInput {
  period?: string;
  sort?: string;
}

export async function hospitalScorecards(
  ctx: ServiceContext,
  input: ScorecardsInput,
): Promise<{ period: string; sort: ScorecardSort; hospitals: HospitalScorecard[] }> {
  const sort = (input.sort ?? 'hospital') as ScorecardSort;
  if (!(sort in SCORECARD_SORTS))
    throw new ValidationError('sort', input.sort, `use ${Object.keys(SCORECARD_SORTS).join(', ')}`);
  const { current } = reportPeriods(input.period, ctx.clock);
  const rows = await hospitalScorecardRows(ctx.em, {
    start: current.start.toUTC().toISO()!,
    end: current.end.toUTC().toISO()!,
    firstDay: current.firstDay,
    lastDay: current.lastDay,
    period: current.label,
    now: ctx.clock.now().toUTC().toISO()!,
  });
  const n = Number;
  const cards = rows.map(
    (r): HospitalScorecard => ({
      hospital: r.code,
      name: r.name,
      revenueKobo: n(r.revenue_kobo),
      ownerShareKobo: n(r.owner_share_kobo),
      topUpKobo: n(r.top_up_kobo),
      newPatients: n(r.new_patients),
      activePatients: n(r.active_patients),
      appointments: n(r.appointments),
      noShowRate: ratio(n(r.no_shows), n(r.completed) + n(r.no_shows)),
      reminderDelivery: {
        sms: ratio(n(r.sms_delivered), n(r.sms_delivered) + n(r.sms_failed)),
        whatsapp: ratio(n(r.whatsapp_delivered), n(r.whatsapp_delivered) + n(r.whatsapp_failed)),
        email: ratio(n(r.email_delivered), n(r.email_delivered) + n(r.email_failed)),
      },
      ...feedbackOf(r),
    }),
  );
  if (sort !== 'hospital') {
    const key = SCORECARD_SORTS[sort] as (c: HospitalScorecard) => number | null;
    cards.sort((a, b) => {
      const x = key(a);
      const y = key(b);
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
      return y - x || a.hospital.localeCompare(b.hospital);
    });
  }
  return { period: current.label, sort, hospitals: cards };
}

function feedbackOf(r: ScorecardRow) {
  const counts = {
    promoters: Number(r.promoters),
    passives: Number(r.passives),
    detractors: Number(r.detractors),
  };
  const npsResponses = counts.promoters + counts.passives + counts.detractors;
  return {
    averageRating: r.average_rating === null ? null : Math.round(Number(r.average_rating) * 100) / 100,
    feedbackResponses: Number(r.feedback_responses),
    nps: netPromoterScore(counts),
    npsResponses,
    thinSample: isThinSample(npsResponses),
    openAlerts: Number(r.open_alerts),
    overdueAlerts: Number(r.overdue_alerts),
  };
}
