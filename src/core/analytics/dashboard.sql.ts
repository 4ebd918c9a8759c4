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
