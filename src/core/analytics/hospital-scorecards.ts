/**
 * `crm analytics hospitals`: one scorecard per hospital for a period, sortable by any of its
 * figures. Feedback (rating, NPS, alerts) joins the card when that domain lands.
 */
import type { ServiceContext } from '../context.js';
import { ValidationError } from '../errors.js';
import { ratio, reportPeriods } from './analytics-period.js';
import { hospitalScorecardRows } from './hospital-scorecards.sql.js';

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
