/**
 * The HTML report's month-by-month series, one grouped statement per area. $1/$2 the first and
 * last Lagos day of the months shown, $3/$4 the same as instants [start, end), $5 a hospital id
 * or null (the whole network). Months without activity have no row (the caller fills zeros).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../db/sql.js';

export interface TrendWindow {
  firstDay: string;
  lastDay: string;
  start: string;
  end: string;
  hospitalId: string | null;
}

const params = (w: TrendWindow) => [w.firstDay, w.lastDay, w.start, w.end, w.hospitalId];
const lagosMonth = (column: string) => `to_char(${column} at time zone 'Africa/Lagos', 'YYYY-MM')`;

export interface MoneyMonthRow {
  month: string;
  revenue_kobo: string;
  net_kobo: string;
  top_up_kobo: string;
}

/**
 * Net revenue (payments less refunds, from the daily rollup) by month, beside the payouts that
 * stand (not rejected or void) by the month their period starts: net to owners and top-ups.
 */
export function moneyByMonth(em: EntityManager, w: TrendWindow): Promise<MoneyMonthRow[]> {
  return query<MoneyMonthRow>(
    em,
    `with revenue as (
       select to_char(day, 'YYYY-MM') as month, sum(payments_kobo - refunds_kobo) as kobo
       from hospital_revenue_day
       where day between $1::date and $2::date and ($5::uuid is null or hospital_id = $5::uuid)
       group by 1),
     payouts as (
       select to_char(p.period_start, 'YYYY-MM') as month, sum(p.net_kobo) as net, sum(p.top_up_kobo) as top_up
       from payout p join contract c on c.id = p.contract_id
       where p.period_start between $1::date and $2::date and p.status not in ('rejected', 'void')
         and ($5::uuid is null or c.hospital_id = $5::uuid)
       group by 1)
     select month, coalesce(r.kobo, 0) as revenue_kobo, coalesce(p.net, 0) as net_kobo,
            coalesce(p.top_up, 0) as top_up_kobo
     from revenue r full join payouts p using (month) order by month`,
    params(w),
  );
}

export interface OutcomeMonthRow {
  month: string;
  completed: string;
  no_shows: string;
  cancelled: string;
}

/** Appointments by the month they were due to start, by how they ended. */
export function appointmentOutcomesByMonth(em: EntityManager, w: TrendWindow): Promise<OutcomeMonthRow[]> {
  return query<OutcomeMonthRow>(
    em,
    `select ${lagosMonth('starts_at')} as month,
            count(*) filter (where status = 'completed') as completed,
            count(*) filter (where status = 'no_show') as no_shows,
            count(*) filter (where status = 'cancelled') as cancelled
     from appointment
     where starts_at >= $3::timestamptz and starts_at < $4::timestamptz
       and ($5::uuid is null or hospital_id = $5::uuid)
     group by 1 order by 1`,
    params(w),
  );
}

export interface NpsMonthRow {
  month: string;
  responses: string;
  promoters: string;
  passives: string;
  detractors: string;
}

/** Feedback submitted by month (deleted left out) with its NPS answers. */
export function npsByMonth(em: EntityManager, w: TrendWindow): Promise<NpsMonthRow[]> {
  return query<NpsMonthRow>(
    em,
    `select ${lagosMonth('submitted_at')} as month, count(*) as responses,
            count(*) filter (where nps >= 9) as promoters,
            count(*) filter (where nps between 7 and 8) as passives,
            count(*) filter (where nps <= 6) as detractors
     from feedback
     where deleted_at is null and submitted_at >= $3::timestamptz and submitted_at < $4::timestamptz
       and ($5::uuid is null or hospital_id = $5::uuid)
     group by 1 order by 1`,
    params(w),
  );
}

export interface CampaignMonthRow {
  month: string;
  sent: string;
  delivered: string;
  failed: string;
}

/** Campaign messages by month, as the dashboard counts them (campaignFigures in dashboard.sql.ts). */
export function campaignDeliveryByMonth(em: EntityManager, w: TrendWindow): Promise<CampaignMonthRow[]> {
  return query<CampaignMonthRow>(
    em,
    `select ${lagosMonth('m.created_at')} as month,
            count(*) filter (where m.status in ('queued', 'sent', 'delivered')) as sent,
            count(*) filter (where m.status = 'delivered') as delivered,
            count(*) filter (where m.status in ('failed', 'undelivered')) as failed
     from messages m join campaign_recipients r on r.message_id = m.id
     where m.purpose = 'campaign' and m.created_at >= $3::timestamptz and m.created_at < $4::timestamptz
       and ($5::uuid is null or r.patient_id in (select id from patient where hospital_id = $5::uuid))
     group by 1 order by 1`,
    params(w),
  );
}
