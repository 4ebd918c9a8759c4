/**
 * `crm analytics owner OWNER`: what an owner earned period by period (revenue, share, top-ups,
 * net), how satisfied they said they were, and how often we spoke — for an account review.
 */
import type { ServiceContext } from '../context.js';
import { ownerRepository } from '../owners/owner.repository.js';
import { ratio } from './analytics-period.js';
import {
  ownerCommunicationCounts,
  ownerPayoutPeriods,
  ownerSatisfactionTrend,
} from './owner-analytics.sql.js';

export interface OwnerAnalytics {
  owner: { id: string; name: string };
  periods: {
    period: string;
    hospitals: string[];
    payouts: number;
    grossRevenueKobo: number;
    ownerShareKobo: number;
    topUpKobo: number;
    netKobo: number;
    statuses: string[];
  }[];
  totals: { grossRevenueKobo: number; ownerShareKobo: number; topUpKobo: number; netKobo: number };
  satisfaction: {
    month: string;
    ratings: number;
    averageRating: number | null;
    wouldRecommendShare: number | null;
  }[];
  communications: { month: string; channel: string; direction: string; count: number }[];
}

export async function ownerAnalytics(ctx: ServiceContext, ref: string): Promise<OwnerAnalytics> {
  const owner = await ownerRepository(ctx.em).getByRef(ref);
  const periods = (await ownerPayoutPeriods(ctx.em, owner.id)).map((r) => ({
    period: r.period,
    hospitals: r.hospitals.split(','),
    payouts: Number(r.payouts),
    grossRevenueKobo: Number(r.gross_revenue_kobo),
    ownerShareKobo: Number(r.owner_share_kobo),
    topUpKobo: Number(r.top_up_kobo),
    netKobo: Number(r.net_kobo),
    statuses: r.statuses,
  }));
  const sum = (key: 'grossRevenueKobo' | 'ownerShareKobo' | 'topUpKobo' | 'netKobo') =>
    periods.reduce((s, p) => s + p[key], 0);
  return {
    owner: { id: owner.id, name: owner.name },
    periods,
    totals: {
      grossRevenueKobo: sum('grossRevenueKobo'),
      ownerShareKobo: sum('ownerShareKobo'),
      topUpKobo: sum('topUpKobo'),
      netKobo: sum('netKobo'),
    },
    satisfaction: (await ownerSatisfactionTrend(ctx.em, owner.id)).map((r) => ({
      month: r.month,
      ratings: Number(r.ratings),
      averageRating: r.average === null ? null : Math.round(Number(r.average) * 100) / 100,
      wouldRecommendShare: ratio(Number(r.would_recommend), Number(r.recommend_answers)),
    })),
    communications: (await ownerCommunicationCounts(ctx.em, owner.id)).map((r) => ({
      month: r.month,
      channel: r.channel,
      direction: r.direction,
      count: Number(r.count),
    })),
  };
}
