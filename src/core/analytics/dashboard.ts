/**
 * `crm analytics dashboard`: the network's (or one hospital's) figures for a period, each beside
 * the period before it. Areas whose domain is not part of crm yet are absent, never zero-filled.
 */
import type { ServiceContext } from '../context.js';
import { isThinSample, netPromoterScore } from '../feedback/nps.calculator.js';
import { hospitalRepository } from '../hospitals/hospital.repository.js';
import { TIERS } from '../loyalty/loyalty.entity.js';
import { type Figure, figure, type ReportPeriods, ratio, reportPeriods } from './analytics-period.js';
import {
  appointmentFigures,
  campaignFigures,
  contractFigures,
  type DashboardWindow,
  feedbackFigures,
  loyaltyFigures,
  ownerSatisfaction,
  patientFigures,
  payoutsByStatus,
  reminderDelivery,
} from './dashboard.sql.js';

export interface DashboardInput {
  period?: string;
  /** Hospital code or id; the whole network when absent. */
  hospital?: string;
}

export interface Dashboard {
  period: string;
  previousPeriod: string;
  hospital: string | null;
  patients: { total: Figure; new: Figure };
  appointments: { upcoming: number; completed: Figure; noShows: Figure; noShowRate: Figure };
  contracts: { active: Figure; expiringIn60Days: number };
  payouts: {
    byStatus: { status: string; count: number; netKobo: number }[];
    netKobo: Figure;
    topUpKobo: Figure;
  };
  reminders: {
    byChannel: { channel: string; delivered: number; failed: number; deliveryRate: Figure }[];
    deliveryRate: Figure;
  };
  /** Patient feedback submitted in the period; alerts as they stand now. */
  feedback: {
    responses: Figure;
    averageRating: Figure;
    /** −100…100, one decimal; null without NPS answers. */
    nps: Figure;
    npsResponses: Figure;
    /** Fewer than 30 NPS answers in the period: shown, not to be trusted. */
    thinSample: boolean;
    openAlerts: number;
    overdueAlerts: number;
  };
  /** Members by tier now; points outstanding at the end of each period. */
  loyalty: {
    tiers: Record<(typeof TIERS)[number], number>;
    members: number;
    pointsOutstanding: Figure;
  };
  /** Campaign messages created in the period. */
  campaigns: { sent: Figure; delivered: Figure; failed: Figure; deliveryRate: Figure };
  ownerSatisfaction: { averageRating: Figure; responses: Figure };
}

export function dashboardWindow(
  periods: ReportPeriods,
  now: Date,
  hospitalId: string | null,
): DashboardWindow {
  const { current, previous } = periods;
  return {
    start: current.start.toUTC().toISO()!,
    end: current.end.toUTC().toISO()!,
    previousStart: previous.start.toUTC().toISO()!,
    previousEnd: previous.end.toUTC().toISO()!,
    now: now.toISOString(),
    hospitalId,
    period: current.label,
    previousPeriod: previous.label,
    lastDay: current.lastDay,
    previousLastDay: previous.lastDay,
  };
}

const n = (v: string | null | undefined) => (v === null || v === undefined ? 0 : Number(v));
const avg = (v: string | null | undefined) =>
  v === null || v === undefined ? null : Math.round(Number(v) * 100) / 100;

export async function analyticsDashboard(ctx: ServiceContext, input: DashboardInput): Promise<Dashboard> {
  const periods = reportPeriods(input.period, ctx.clock);
  const hospital = input.hospital ? await hospitalRepository(ctx.em).getByRef(input.hospital) : null;
  const w = dashboardWindow(periods, ctx.clock.now().toJSDate(), hospital?.id ?? null);
  const em = ctx.em;
  const [patients, appointments, contracts, payouts, reminders, satisfaction] = [
    await patientFigures(em, w),
    await appointmentFigures(em, w),
    await contractFigures(em, w),
    await payoutsByStatus(em, w),
    await reminderDelivery(em, w),
    await ownerSatisfaction(em, w),
  ];
  const fb = await feedbackFigures(em, w);
  const loyalty = await loyaltyFigures(em, w);
  const campaigns = await campaignFigures(em, w);
  const attended = (completed: string, noShows: string) => n(completed) + n(noShows);
  const payoutSum = (period: string, field: 'net_kobo' | 'top_up_kobo') =>
    payouts
      .filter((p) => p.period === period && p.status !== 'void')
      .reduce((sum, p) => sum + n(p[field]), 0);
  const delivered = reminders.reduce((s, r) => s + n(r.delivered), 0);
  const failed = reminders.reduce((s, r) => s + n(r.failed), 0);
  const deliveredPrev = reminders.reduce((s, r) => s + n(r.delivered_prev), 0);
  const failedPrev = reminders.reduce((s, r) => s + n(r.failed_prev), 0);
  return {
    period: w.period,
    previousPeriod: w.previousPeriod,
    hospital: hospital?.code ?? null,
    patients: {
      total: figure(n(patients.total), n(patients.total_prev)),
      new: figure(n(patients.new), n(patients.new_prev)),
    },
    appointments: {
      upcoming: n(appointments.upcoming),
      completed: figure(n(appointments.completed), n(appointments.completed_prev)),
      noShows: figure(n(appointments.no_shows), n(appointments.no_shows_prev)),
      noShowRate: figure(
        ratio(n(appointments.no_shows), attended(appointments.completed, appointments.no_shows)),
        ratio(
          n(appointments.no_shows_prev),
          attended(appointments.completed_prev, appointments.no_shows_prev),
        ),
      ),
    },
    contracts: {
      active: figure(n(contracts.active), n(contracts.active_prev)),
      expiringIn60Days: n(contracts.expiring),
    },
    payouts: {
      byStatus: payouts
        .filter((p) => p.period === w.period)
        .map((p) => ({ status: p.status, count: n(p.count), netKobo: n(p.net_kobo) })),
      netKobo: figure(payoutSum(w.period, 'net_kobo'), payoutSum(w.previousPeriod, 'net_kobo')),
      topUpKobo: figure(payoutSum(w.period, 'top_up_kobo'), payoutSum(w.previousPeriod, 'top_up_kobo')),
    },
    reminders: {
      byChannel: reminders.map((r) => ({
        channel: r.channel,
        delivered: n(r.delivered),
        failed: n(r.failed),
        deliveryRate: figure(
          ratio(n(r.delivered), n(r.delivered) + n(r.failed)),
          ratio(n(r.delivered_prev), n(r.delivered_prev) + n(r.failed_prev)),
        ),
      })),
      deliveryRate: figure(
        ratio(delivered, delivered + failed),
        ratio(deliveredPrev, deliveredPrev + failedPrev),
      ),
    },
    feedback: feedbackSection(fb),
    loyalty: loyaltySection(loyalty),
    campaigns: {
      sent: figure(n(campaigns.sent), n(campaigns.sent_prev)),
      delivered: figure(n(campaigns.delivered), n(campaigns.delivered_prev)),
      failed: figure(n(campaigns.failed), n(campaigns.failed_prev)),
      deliveryRate: figure(
        ratio(n(campaigns.sent), n(campaigns.sent) + n(campaigns.failed)),
        ratio(n(campaigns.sent_prev), n(campaigns.sent_prev) + n(campaigns.failed_prev)),
      ),
    },
    ownerSatisfaction: {
      averageRating: figure(avg(satisfaction.average), avg(satisfaction.average_prev)),
      responses: figure(n(satisfaction.responses), n(satisfaction.responses_prev)),
    },
  };
}

function feedbackSection(f: Awaited<ReturnType<typeof feedbackFigures>>): Dashboard['feedback'] {
  const counts = (suffix: '' | '_prev') => ({
    promoters: n(f[`promoters${suffix}`]),
    passives: n(f[`passives${suffix}`]),
    detractors: n(f[`detractors${suffix}`]),
  });
  const answers = (c: ReturnType<typeof counts>) => c.promoters + c.passives + c.detractors;
  const now = counts('');
  const before = counts('_prev');
  return {
    responses: figure(n(f.responses), n(f.responses_prev)),
    averageRating: figure(avg(f.average), avg(f.average_prev)),
    nps: figure(netPromoterScore(now), netPromoterScore(before)),
    npsResponses: figure(answers(now), answers(before)),
    thinSample: isThinSample(answers(now)),
    openAlerts: n(f.open_alerts),
    overdueAlerts: n(f.overdue_alerts),
  };
}

function loyaltySection(l: Awaited<ReturnType<typeof loyaltyFigures>>): Dashboard['loyalty'] {
  const tiers = Object.fromEntries(TIERS.map((t) => [t, 0])) as Dashboard['loyalty']['tiers'];
  for (const row of l.tiers) tiers[row.tier as keyof typeof tiers] = n(row.members);
  return {
    tiers,
    members: Object.values(tiers).reduce((a, b) => a + b, 0),
    pointsOutstanding: figure(n(l.points.outstanding), n(l.points.outstanding_prev)),
  };
}
