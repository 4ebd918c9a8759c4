/**
 * A patient's timeline in one statement: every event of theirs from each table, as
 * (at, kind, ref, status, detail) rows in one UNION ALL, in time order. $1 the patient's id.
 * Within the same instant, events sort by the order a visit unfolds (registration, booking,
 * reminder, appointment, feedback, loyalty, campaign), then by reference and detail.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../db/sql.js';

export interface JourneyRow {
  at: Date;
  kind: 'registered' | 'booked' | 'reminder' | 'appointment' | 'feedback' | 'loyalty' | 'campaign';
  ref: string | null;
  status: string | null;
  detail: string | null;
}

export async function journeyRows(em: EntityManager, patientId: string): Promise<JourneyRow[]> {
  return query<JourneyRow>(
    em,
    `select at, kind, ref, status, detail from (
       select p.created_at as at, 'registered' as kind, 1 as rank, h.code as ref, null::text as status,
              'registered at ' || coalesce(h.name, 'no hospital') as detail
       from patient p left join hospital h on h.id = p.hospital_id where p.id = $1::uuid
       union all
       -- the booking, then the visit itself at its time, with how it ended
       select a.created_at, 'booked', 2, a.code, a.status, a.type || ' with ' || d.code || ' at ' || h.code
       from appointment a join doctor d on d.id = a.doctor_id join hospital h on h.id = a.hospital_id
       where a.patient_id = $1::uuid
       union all
       select a.starts_at, 'appointment', 4, a.code, a.status, a.type || ' with ' || d.code || ' at ' || h.code
       from appointment a join doctor d on d.id = a.doctor_id join hospital h on h.id = a.hospital_id
       where a.patient_id = $1::uuid
       union all
       -- reminders that were sent, failed or expired (pending and cancelled ones never reached anyone)
       select coalesce(r.sent_at, m.created_at, r.due_at), 'reminder', 3, a.code,
              coalesce(m.status, r.status), r.kind || ' reminder' || coalesce(' by ' || m.channel, '')
       from reminder r join appointment a on a.id = r.appointment_id left join messages m on m.id = r.message_id
       where a.patient_id = $1::uuid and r.status in ('sent', 'failed', 'expired')
       union all
       select f.submitted_at, 'feedback', 5, f.code, case when f.deleted_at is null then 'recorded' else 'deleted' end,
              'rating ' || f.rating || coalesce(', NPS ' || f.nps, '')
       from feedback f where f.patient_id = $1::uuid
       union all
       select t.created_at, 'loyalty', 6, null, t.kind,
              case when t.points > 0 then '+' else '' end || t.points || ' points: ' || t.reason
       from loyalty_transactions t where t.patient_id = $1::uuid
       union all
       -- campaigns that went to the patient (held-out and skipped recipients received nothing)
       select coalesce(cr.attempted_at, c.snapshot_at), 'campaign', 7, c.slug, coalesce(m.status, cr.status),
              c.name || ' by ' || c.channel
       from campaign_recipients cr join campaign c on c.id = cr.campaign_id left join messages m on m.id = cr.message_id
       where cr.patient_id = $1::uuid and cr.status in ('sent', 'failed', 'unknown')
     ) e
     order by at, rank, ref, detail`,
    [patientId],
  );
}
