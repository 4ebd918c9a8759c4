/**
 * The dashboard's figures, one grouped statement per area, each computing the report period and
 * the one before it in the same scan (FILTER clauses). Parameters common to all: $1/$2 the
 * period's instants [start, end), $3/$4 the previous period's, $5 now, $6 a hospital id or null
 * (the whole network). The previous period ends where the report period starts, so within the
 * two windows `>= $1` is the report period and `< $4` the previous one.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { query, queryOne } from '../db/sql.js';

export interface DashboardWindow {
  start: string;
  end: string;
  previousStart: string;
  previousEnd: string;
  now: string;
  hospitalId: string | null;
  /** Payout period labels (`2026-11`, `2026-Q4`). */
  period: string;
  previousPeriod: string;
  /** Lagos dates: the period's last day and the previous period's (for contracts in force). */
  lastDay: string;
  previousLastDay: string;
}

const params = (w: DashboardWindow) => [w.start, w.end, w.previousStart, w.previousEnd, w.now, w.hospitalId];

/** Patients registered by the end of each period, and registered within it. */
export async function patientFigures(em: EntityManager, w: DashboardWindow) {
  return (await queryOne<Record<'total' | 'new' | 'total_prev' | 'new_prev', string>>(
    em,
    `select count(*) filter (where created_at < $2::timestamptz) as total,
            count(*) filter (where created_at >= $1::timestamptz and created_at < $2::timestamptz) as new,
            count(*) filter (where created_at < $4::timestamptz) as total_prev,
            count(*) filter (where created_at >= $3::timestamptz and created_at < $4::timestamptz) as new_prev
     from patient where ($6::uuid is null or hospital_id = $6::uuid)`,
    params(w),
  ))!;
}

/**
 * Appointments: upcoming from now (booked, not yet started), and completed and no-shows among
 * those that started in each period.
 */
export async function appointmentFigures(em: EntityManager, w: DashboardWindow) {
  return (await queryOne<
    Record<'upcoming' | 'completed' | 'no_shows' | 'completed_prev' | 'no_shows_prev', string>
  >(
    em,
    `select count(*) filter (where status in ('scheduled', 'confirmed') and starts_at >= $5::timestamptz) as upcoming,
            count(*) filter (where status = 'completed' and starts_at >= $1::timestamptz and starts_at < $2::timestamptz) as completed,
            count(*) filter (where status = 'no_show' and starts_at >= $1::timestamptz and starts_at < $2::timestamptz) as no_shows,
            count(*) filter (where status = 'completed' and starts_at >= $3::timestamptz and starts_at < $4::timestamptz) as completed_prev,
            count(*) filter (where status = 'no_show' and starts_at >= $3::timestamptz and starts_at < $4::timestamptz) as no_shows_prev
     from appointment
     where ($6::uuid is null or hospital_id = $6::uuid)
       and (starts_at >= least($3::timestamptz, $5::timestamptz))`,
    params(w),
  ))!;
}

/**
 * Contracts in force on each period's last day (activated, started, not yet ended or
 * terminated), and those in force now whose end falls within 60 days.
 */
export async function contractFigures(em: EntityManager, w: DashboardWindow) {
  return (await queryOne<Record<'active' | 'active_prev' | 'expiring', string>>(
    em,
    `with c as (
       select status, start_date, coalesce(least(terminated_on - 1, end_date), 'infinity'::date) as last_day,
              activated_at
       from contract where status <> 'draft' and ($6::uuid is null or hospital_id = $6::uuid))
     select count(*) filter (where activated_at < $2::timestamptz and start_date <= $7::date and last_day >= $7::date) as active,
            count(*) filter (where activated_at < $4::timestamptz and start_date <= $8::date and last_day >= $8::date) as active_prev,
            count(*) filter (where status = 'active' and last_day >= ($5::timestamptz at time zone 'Africa/Lagos')::date
                               and last_day < ($5::timestamptz at time zone 'Africa/Lagos')::date + 60) as expiring
     from c`,
    [...params(w), w.lastDay, w.previousLastDay],
  ))!;
}

export interface PayoutStatusRow {
  period: string;
  status: string;
  count: string;
  net_kobo: string;
  top_up_kobo: string;
}

/** Payouts of the two periods by status: how many, their net amount and their guarantee top-ups. */
export async function payoutsByStatus(em: EntityManager, w: DashboardWindow): Promise<PayoutStatusRow[]> {
  return query<PayoutStatusRow>(
    em,
    `select p.period, p.status, count(*) as count, sum(p.net_kobo) as net_kobo, sum(p.top_up_kobo) as top_up_kobo
     from payout p join contract c on c.id = p.contract_id
     where p.period in ($1, $2) and ($3::uuid is null or c.hospital_id = $3::uuid)
     group by p.period, p.status order by p.period, p.status`,
    [w.period, w.previousPeriod, w.hospitalId],
  );
}

export interface ReminderChannelRow {
  channel: string;
  delivered: string;
  failed: string;
  delivered_prev: string;
  failed_prev: string;
}

/**
 * Reminder messages created in each period, by channel: accepted or delivered by the provider
 * (queued, sent, delivered) against failed or undelivered. Messages still in flight or of unknown
 * outcome count on neither side.
 */
export async function reminderDelivery(em: EntityManager, w: DashboardWindow): Promise<ReminderChannelRow[]> {
  return query<ReminderChannelRow>(
    em,
    `select m.channel,
            count(*) filter (where m.created_at >= $1::timestamptz and m.status in ('queued', 'sent', 'delivered')) as delivered,
            count(*) filter (where m.created_at >= $1::timestamptz and m.status in ('failed', 'undelivered')) as failed,
            count(*) filter (where m.created_at < $4::timestamptz and m.status in ('queued', 'sent', 'delivered')) as delivered_prev,
            count(*) filter (where m.created_at < $4::timestamptz and m.status in ('failed', 'undelivered')) as failed_prev
     from messages m
     left join reminder r on r.message_id = m.id
     left join appointment a on a.id = r.appointment_id
     where m.purpose = 'reminder'
       and ((m.created_at >= $1::timestamptz and m.created_at < $2::timestamptz)
         or (m.created_at >= $3::timestamptz and m.created_at < $4::timestamptz))
       and ($6::uuid is null or a.hospital_id = $6::uuid)
     group by m.channel order by m.channel`,
    params(w),
  );
}

/** Owners' satisfaction ratings (1–5) recorded in each period: average and how many. */
export async function ownerSatisfaction(em: EntityManager, w: DashboardWindow) {
  return (await queryOne<Record<'average' | 'responses' | 'average_prev' | 'responses_prev', string | null>>(
    em,
    `select avg(s.rating) filter (where s.recorded_at >= $1::timestamptz) as average,
            count(*) filter (where s.recorded_at >= $1::timestamptz) as responses,
            avg(s.rating) filter (where s.recorded_at < $4::timestamptz) as average_prev,
            count(*) filter (where s.recorded_at < $4::timestamptz) as responses_prev
     from owner_satisfaction s
     where ((s.recorded_at >= $1::timestamptz and s.recorded_at < $2::timestamptz)
         or (s.recorded_at >= $3::timestamptz and s.recorded_at < $4::timestamptz))
       and ($6::uuid is null or exists (select 1 from contract c where c.owner_id = s.owner_id and c.hospital_id = $6::uuid))
      `,
    params(w),
  ))!;
}

/**
 * Patient feedback submitted in each period (deleted feedback left out): how many, the average
 * overall rating, and the NPS answers as promoters (9–10), passives (7–8) and detractors (0–6).
 * Alerts are counted as they stand now, like upcoming appointments: not resolved (open or
 * acknowledged), and of those the ones past their due time.
 */
export async function feedbackFigures(em: EntityManager, w: DashboardWindow) {
  return (await queryOne<
    Record<
      | 'responses'
      | 'average'
      | 'promoters'
      | 'passives'
      | 'detractors'
      | 'responses_prev'
      | 'average_prev'
      | 'promoters_prev'
      | 'passives_prev'
      | 'detractors_prev'
      | 'open_alerts'
      | 'overdue_alerts',
      string | null
    >
  >(
    em,
    `with f as (
       select submitted_at >= $1::timestamptz as current, rating, nps from feedback
       where deleted_at is null and ($6::uuid is null or hospital_id = $6::uuid)
         and ((submitted_at >= $1::timestamptz and submitted_at < $2::timestamptz)
           or (submitted_at >= $3::timestamptz and submitted_at < $4::timestamptz))),
     a as (
       select count(*) as open_alerts, count(*) filter (where due_at < $5::timestamptz) as overdue_alerts
       from feedback_alert where status <> 'resolved' and ($6::uuid is null or hospital_id = $6::uuid))
     select count(*) filter (where current) as responses,
            avg(rating) filter (where current) as average,
            count(*) filter (where current and nps >= 9) as promoters,
            count(*) filter (where current and nps between 7 and 8) as passives,
            count(*) filter (where current and nps <= 6) as detractors,
            count(*) filter (where not current) as responses_prev,
            avg(rating) filter (where not current) as average_prev,
            count(*) filter (where not current and nps >= 9) as promoters_prev,
            count(*) filter (where not current and nps between 7 and 8) as passives_prev,
            count(*) filter (where not current and nps <= 6) as detractors_prev,
            (select open_alerts from a) as open_alerts, (select overdue_alerts from a) as overdue_alerts
     from f`,
    params(w),
  ))!;
}

/**
 * Loyalty: members by tier as they stand now (tiers never go down), and the points outstanding
 * (earned and not yet redeemed, expired or reversed) at the end of each period, summed from the
 * append-only ledger.
 */
export async function loyaltyFigures(em: EntityManager, w: DashboardWindow) {
  const tiers = await query<{ tier: string; members: string }>(
    em,
    `select a.tier, count(*) as members from loyalty_account a
     ${w.hospitalId ? 'join patient p on p.id = a.patient_id and p.hospital_id = $1::uuid' : ''}
     group by a.tier`,
    w.hospitalId ? [w.hospitalId] : [],
  );
  const points = (await queryOne<Record<'outstanding' | 'outstanding_prev', string | null>>(
    em,
    `select coalesce(sum(t.points) filter (where t.created_at < $2::timestamptz), 0) as outstanding,
            coalesce(sum(t.points) filter (where t.created_at < $4::timestamptz), 0) as outstanding_prev
     from loyalty_transactions t
     where ($6::uuid is null or t.patient_id in (select id from patient where hospital_id = $6::uuid))
       and t.created_at < $2::timestamptz`,
    params(w),
  ))!;
  return { tiers, points };
}

/**
 * Campaign messages created in each period (test sends, which have no recipient row, left out):
 * accepted by the provider (queued, sent or delivered), confirmed delivered by `message sync`,
 * and failed or undelivered. Sends still in flight or of unknown outcome count on neither side.
 * With a hospital, the messages to that hospital's patients.
 */
export async function campaignFigures(em: EntityManager, w: DashboardWindow) {
  return (await queryOne<
    Record<'sent' | 'delivered' | 'failed' | 'sent_prev' | 'delivered_prev' | 'failed_prev', string>
  >(
    em,
    `select count(*) filter (where m.created_at >= $1::timestamptz and m.status in ('queued', 'sent', 'delivered')) as sent,
            count(*) filter (where m.created_at >= $1::timestamptz and m.status = 'delivered') as delivered,
            count(*) filter (where m.created_at >= $1::timestamptz and m.status in ('failed', 'undelivered')) as failed,
            count(*) filter (where m.created_at < $4::timestamptz and m.status in ('queued', 'sent', 'delivered')) as sent_prev,
            count(*) filter (where m.created_at < $4::timestamptz and m.status = 'delivered') as delivered_prev,
            count(*) filter (where m.created_at < $4::timestamptz and m.status in ('failed', 'undelivered')) as failed_prev
     from messages m
     join campaign_recipients r on r.message_id = m.id
     where m.purpose = 'campaign'
       and ((m.created_at >= $1::timestamptz and m.created_at < $2::timestamptz)
         or (m.created_at >= $3::timestamptz and m.created_at < $4::timestamptz))
       and ($6::uuid is null or r.patient_id in (select id from patient where hospital_id = $6::uuid))`,
    params(w),
  ))!;
}
