/**
 * One scorecard row per hospital for a period, in one statement: each CTE aggregates one table
 * over the period (grouped by hospital) and the hospitals are joined to them, so a hospital with
 * no activity still has its row. $1/$2 the period's instants [start, end), $3/$4 its first and
 * last Lagos day, $5 its payout label, $6 now (for overdue alerts).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../db/sql.js';

export interface ScorecardRow {
  code: string;
  name: string;
  revenue_kobo: string;
  owner_share_kobo: string;
  top_up_kobo: string;
  new_patients: string;
  active_patients: string;
  appointments: string;
  completed: string;
  no_shows: string;
  sms_delivered: string;
  sms_failed: string;
  whatsapp_delivered: string;
  whatsapp_failed: string;
  email_delivered: string;
  email_failed: string;
  feedback_responses: string;
  average_rating: string | null;
  promoters: string;
  passives: string;
  detractors: string;
  open_alerts: string;
  overdue_alerts: string;
}

export async function hospitalScorecardRows(
  em: EntityManager,
  window: { start: string; end: string; firstDay: string; lastDay: string; period: string; now: string },
): Promise<ScorecardRow[]> {
  return query<ScorecardRow>(
    em,
    `with revenue as (
       -- net revenue: payments less refunds, from the daily rollup the payout run reads too
       select hospital_id, sum(payments_kobo - refunds_kobo) as kobo
       from hospital_revenue_day where day between $3::date and $4::date group by hospital_id),
     payouts as (
       -- the period's payouts that stand (not rejected or void): owner share and guarantee top-up
       select c.hospital_id, sum(p.owner_share_kobo) as owner_share, sum(p.top_up_kobo) as top_up
       from payout p join contract c on c.id = p.contract_id
       where p.period = $5 and p.status not in ('rejected', 'void') group by c.hospital_id),
     registered as (
       select hospital_id, count(*) as n from patient
       where created_at >= $1::timestamptz and created_at < $2::timestamptz group by hospital_id),
     visits as (
       -- appointments that started in the period (cancelled ones are not appointments kept)
       select hospital_id, count(*) filter (where status <> 'cancelled') as appointments,
              count(*) filter (where status = 'completed') as completed,
              count(*) filter (where status = 'no_show') as no_shows,
              count(distinct patient_id) filter (where status = 'completed') as active_patients
       from appointment where starts_at >= $1::timestamptz and starts_at < $2::timestamptz group by hospital_id),
     reminders as (
       -- reminder messages sent in the period, by the channel they went on: accepted or delivered
       -- against failed or undelivered (in flight or unknown count on neither side)
       select a.hospital_id,
              count(*) filter (where m.channel = 'sms' and m.status in ('queued', 'sent', 'delivered')) as sms_delivered,
              count(*) filter (where m.channel = 'sms' and m.status in ('failed', 'undelivered')) as sms_failed,
              count(*) filter (where m.channel = 'whatsapp' and m.status in ('queued', 'sent', 'delivered')) as whatsapp_delivered,
              count(*) filter (where m.channel = 'whatsapp' and m.status in ('failed', 'undelivered')) as whatsapp_failed,
              count(*) filter (where m.channel = 'email' and m.status in ('queued', 'sent', 'delivered')) as email_delivered,
              count(*) filter (where m.channel = 'email' and m.status in ('failed', 'undelivered')) as email_failed
       from messages m join reminder r on r.message_id = m.id join appointment a on a.id = r.appointment_id
       where m.purpose = 'reminder' and m.created_at >= $1::timestamptz and m.created_at < $2::timestamptz
       group by a.hospital_id),
     ratings as (
       -- feedback submitted in the period (deleted left out): average rating and NPS answers
       select hospital_id, count(*) as responses, avg(rating) as average,
              count(*) filter (where nps >= 9) as promoters,
              count(*) filter (where nps between 7 and 8) as passives,
              count(*) filter (where nps <= 6) as detractors
       from feedback where deleted_at is null and submitted_at >= $1::timestamptz and submitted_at < $2::timestamptz
       group by hospital_id),
     alerts as (
       -- low-rating alerts as they stand now: not resolved, and of those past their due time
       select hospital_id, count(*) as open, count(*) filter (where due_at < $6::timestamptz) as overdue
       from feedback_alert where status <> 'resolved' group by hospital_id)
     select h.code, h.name,
            coalesce(rv.kobo, 0) as revenue_kobo, coalesce(po.owner_share, 0) as owner_share_kobo,
            coalesce(po.top_up, 0) as top_up_kobo, coalesce(rg.n, 0) as new_patients,
            coalesce(v.active_patients, 0) as active_patients, coalesce(v.appointments, 0) as appointments,
            coalesce(v.completed, 0) as completed, coalesce(v.no_shows, 0) as no_shows,
            coalesce(rm.sms_delivered, 0) as sms_delivered, coalesce(rm.sms_failed, 0) as sms_failed,
            coalesce(rm.whatsapp_delivered, 0) as whatsapp_delivered, coalesce(rm.whatsapp_failed, 0) as whatsapp_failed,
            coalesce(rm.email_delivered, 0) as email_delivered, coalesce(rm.email_failed, 0) as email_failed,
            coalesce(ra.responses, 0) as feedback_responses, ra.average as average_rating,
            coalesce(ra.promoters, 0) as promoters, coalesce(ra.passives, 0) as passives,
            coalesce(ra.detractors, 0) as detractors,
            coalesce(al.open, 0) as open_alerts, coalesce(al.overdue, 0) as overdue_alerts
     from hospital h
     left join revenue rv on rv.hospital_id = h.id
     left join payouts po on po.hospital_id = h.id
     left join registered rg on rg.hospital_id = h.id
     left join visits v on v.hospital_id = h.id
     left join reminders rm on rm.hospital_id = h.id
     left join ratings ra on ra.hospital_id = h.id
     left join alerts al on al.hospital_id = h.id
     order by h.code`,
    [window.start, window.end, window.firstDay, window.lastDay, window.period, window.now],
  );
}
