/**
 * The dashboard's month-by-month series (the months up to the period's last one): what the HTML
 * report draws as charts and the terminal dashboard as sparklines. One grouped statement per
 * area (report-trends.sql.ts); months without activity are zeros, months without NPS answers null.
 */
import { DateTime } from 'luxon';
import type { ServiceContext } from '../context.js';
import { netPromoterScore } from '../feedback/nps.calculator.js';
import { hospitalRepository } from '../hospitals/hospital.repository.js';
import type { Dashboard } from './dashboard.js';
import {
  appointmentOutcomesByMonth,
  campaignDeliveryByMonth,
  moneyByMonth,
  npsByMonth,
  type TrendWindow,
} from './report-trends.sql.js';

/** The months up to the report period's last one, each series with one entry per month. */
export interface ReportTrends {
  months: string[];
  money: { month: string; revenueKobo: number; netKobo: number; topUpKobo: number }[];
  outcomes: { month: string; completed: number; noShows: number; cancelled: number }[];
  nps: { month: string; responses: number; npsResponses: number; nps: number | null }[];
  campaigns: { month: string; sent: number; delivered: number; failed: number }[];
}

/** How many months the charts show, ending with the report period's last month. */
export const TREND_MONTHS = 12;

/**
 * The series of the TREND_MONTHS months ending with the dashboard period's last month, for the
 * dashboard's hospital (its code) or the whole network.
 */
export async function dashboardTrends(ctx: ServiceContext, d: Dashboard): Promise<ReportTrends> {
  const hospitalId = d.hospital ? (await hospitalRepository(ctx.em).getByRef(d.hospital)).id : null;
  // The report period's last month, from its label (`2026-11`, or `2026-Q4` → 2026-12).
  const quarter = /^(\d{4})-Q([1-4])$/.exec(d.period);
  const last = quarter
    ? DateTime.fromObject(
        { year: Number(quarter[1]), month: Number(quarter[2]) * 3 },
        { zone: 'Africa/Lagos' },
      )
    : DateTime.fromFormat(d.period, 'yyyy-MM', { zone: 'Africa/Lagos' });
  const first = last.minus({ months: TREND_MONTHS - 1 }).startOf('month');
  const end = last.endOf('month').plus({ milliseconds: 1 });
  const months = Array.from({ length: TREND_MONTHS }, (_, i) =>
    first.plus({ months: i }).toFormat('yyyy-MM'),
  );
  const w: TrendWindow = {
    firstDay: first.toISODate()!,
    lastDay: last.endOf('month').toISODate()!,
    start: first.toUTC().toISO()!,
    end: end.toUTC().toISO()!,
    hospitalId,
  };
  const byMonth = <R extends { month: string }>(rows: R[]) => new Map(rows.map((r) => [r.month, r]));
  const money = byMonth(await moneyByMonth(ctx.em, w));
  const outcomes = byMonth(await appointmentOutcomesByMonth(ctx.em, w));
  const nps = byMonth(await npsByMonth(ctx.em, w));
  const campaigns = byMonth(await campaignDeliveryByMonth(ctx.em, w));
  const n = (v: string | undefined) => (v === undefined ? 0 : Number(v));
  return {
    months,
    money: months.map((month) => ({
      month,
      revenueKobo: n(money.get(month)?.revenue_kobo),
      netKobo: n(money.get(month)?.net_kobo),
      topUpKobo: n(money.get(month)?.top_up_kobo),
    })),
    outcomes: months.map((month) => ({
      month,
      completed: n(outcomes.get(month)?.completed),
      noShows: n(outcomes.get(month)?.no_shows),
      cancelled: n(outcomes.get(month)?.cancelled),
    })),
    nps: months.map((month) => {
      const r = nps.get(month);
      const counts = { promoters: n(r?.promoters), passives: n(r?.passives), detractors: n(r?.detractors) };
      return {
        month,
        responses: n(r?.responses),
        npsResponses: counts.promoters + counts.passives + counts.detractors,
        nps: netPromoterScore(counts),
      };
    }),
    campaigns: months.map((month) => ({
      month,
      sent: n(campaigns.get(month)?.sent),
      delivered: n(campaigns.get(month)?.delivered),
      failed: n(campaigns.get(month)?.failed),
    })),
  };
}
