/**
 * The demo's bulk rows, set-based: each table's rows go in as a few INSERT … SELECT FROM unnest
 * statements (arrays as bind parameters, chunked), never one ORM call per row. The hospitals,
 * owners, contracts and doctors they refer to are found by their codes.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { execute, queryOne } from '../db/sql.js';
import { EARNING } from '../loyalty/earning-rules.js';
import { DEMO_HOSPITALS } from './demo-names.js';
import type {
  DemoPlan,
  PlannedAppointment,
  PlannedFeedback,
  PlannedPatient,
  PlannedTransaction,
} from './demo-plan.js';

/** Rows per statement: large enough to be set-based, small enough for PGlite's memory. */
const CHUNK = 5000;

async function inChunks<T>(rows: T[], write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await write(rows.slice(i, i + CHUNK));
}

const column = <T, K extends keyof T>(rows: T[], key: K) => rows.map((r) => r[key]);

/** How many of the demo's hospitals exist, and how many hospitals that are not the demo's. */
export async function demoFootprint(em: EntityManager): Promise<{ demo: number; other: number }> {
  const row = await queryOne<{ demo: number; other: number }>(
    em,
    `select count(*) filter (where code = any($1::text[]))::int as demo,
            count(*) filter (where not code = any($1::text[]))::int as other
       from hospital`,
    [DEMO_HOSPITALS.map((h) => h.code)],
  );
  return row ?? { demo: 0, other: 0 };
}

export async function insertPatients(em: EntityManager, patients: PlannedPatient[]): Promise<void> {
  await inChunks(patients, (rows) =>
    execute(
      em,
      `insert into patient (hospital_id, external_id, first_name, last_name, phone, email, date_of_birth,
         gender, preferred_language, preferred_channel, consent_sms, consent_whatsapp, consent_email,
         created_at, updated_at)
       select h.id, r.external_id, r.first_name, r.last_name, r.phone, r.email, r.dob, r.gender,
              r.language, r.channel, r.sms, r.whatsapp, r.email_ok, r.created_at, r.created_at
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::date[],
                     $8::text[], $9::text[], $10::text[], $11::boolean[], $12::boolean[], $13::boolean[],
                     $14::timestamptz[])
              as r(hospital, external_id, first_name, last_name, phone, email, dob, gender, language,
                   channel, sms, whatsapp, email_ok, created_at)
         join hospital h on h.code = r.hospital`,
      [
        column(rows, 'hospital'),
        column(rows, 'externalId'),
        column(rows, 'firstName'),
        column(rows, 'lastName'),
        column(rows, 'phone'),
        column(rows, 'email'),
        column(rows, 'dateOfBirth'),
        column(rows, 'gender'),
        column(rows, 'language'),
        column(rows, 'channel'),
        column(rows, 'consentSms'),
        column(rows, 'consentWhatsapp'),
        column(rows, 'consentEmail'),
        column(rows, 'createdAt'),
      ],
    ),
  );
}

/**
 * Past appointments (completed, no-show, cancelled: none of them holds a slot, so the overlap
 * constraints do not apply), numbered from the appointment sequence in time order; then each
 * patient's last visit.
 */
export async function insertPastAppointments(
  em: EntityManager,
  appointments: PlannedAppointment[],
  patients: PlannedPatient[],
): Promise<void> {
  const sorted = appointments
    .map((a, i) => ({ ...a, i }))
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.i - b.i);
  await inChunks(sorted, (rows) =>
    execute(
      em,
      `insert into appointment (code, patient_id, doctor_id, hospital_id, type, status, starts_at, ends_at,
         cancel_reason, created_at, updated_at)
       select 'AP-' || lpad(nextval('appointment_code_seq')::text, 6, '0'), p.id, d.id, d.hospital_id,
              r.type, r.status, r.starts_at, r.ends_at,
              case when r.status = 'cancelled' then 'patient asked to cancel' end, r.created_at, r.ends_at
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[],
                     $7::timestamptz[]) with ordinality as r(patient, doctor, type, status, starts_at, ends_at,
                     created_at, n)
         join doctor d on d.code = r.doctor
         join patient p on p.hospital_id = d.hospital_id and p.external_id = r.patient
        order by r.n`,
      [
        rows.map((a) => patients[a.patient].externalId),
        column(rows, 'doctor'),
        column(rows, 'type'),
        column(rows, 'status'),
        column(rows, 'startsAt'),
        column(rows, 'endsAt'),
        column(rows, 'createdAt'),
      ],
    ),
  );
  await execute(
    em,
    `update patient p set last_visit_at = v.last
       from (select patient_id, max(starts_at) as last from appointment
              where status = 'completed' group by patient_id) v
      where v.patient_id = p.id and p.external_id like 'DEMO-%'`,
  );
}

export async function insertTransactions(
  em: EntityManager,
  transactions: PlannedTransaction[],
): Promise<void> {
  await inChunks(transactions, (rows) =>
    execute(
      em,
      `insert into hospital_transaction (reference, hospital_id, occurred_at, amount_kobo, kind, imported_at)
       select r.reference, h.id, r.occurred_at, r.amount_kobo, r.kind, r.occurred_at
         from unnest($1::text[], $2::text[], $3::timestamptz[], $4::bigint[], $5::text[])
              as r(hospital, reference, occurred_at, amount_kobo, kind)
         join hospital h on h.code = r.hospital`,
      [
        column(rows, 'hospital'),
        column(rows, 'reference'),
        column(rows, 'occurredAt'),
        column(rows, 'amountKobo'),
        column(rows, 'kind'),
      ],
    ),
  );
}

/**
 * Feedback on completed appointments (found again by patient and start time, which the plan keeps
 * distinct per patient), and the low-rating alerts it opened: resolved when older than a week,
 * open (some overdue) otherwise.
 */
export async function insertFeedback(
  em: EntityManager,
  feedback: PlannedFeedback[],
  appointments: PlannedAppointment[],
  patients: PlannedPatient[],
  now: Date,
  alertHours: number,
): Promise<void> {
  const sorted = [...feedback].sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
  await inChunks(sorted, (rows) =>
    execute(
      em,
      `insert into feedback (code, patient_id, hospital_id, appointment_id, doctor_id, rating, nps,
         score_doctor, score_wait_time, comment, submitted_at, created_at)
       select 'FB-' || lpad(nextval('feedback_code_seq')::text, 6, '0'), a.patient_id, a.hospital_id, a.id,
              a.doctor_id, r.rating, r.nps, r.score_doctor, r.score_wait, r.comment, r.submitted_at, r.submitted_at
         from unnest($1::text[], $2::timestamptz[], $3::smallint[], $4::smallint[], $5::smallint[],
                     $6::smallint[], $7::text[], $8::timestamptz[]) with ordinality
              as r(patient, starts_at, rating, nps, score_doctor, score_wait, comment, submitted_at, n)
         join patient p on p.external_id = r.patient
         join appointment a on a.patient_id = p.id and a.starts_at = r.starts_at
        order by r.n`,
      [
        rows.map((f) => patients[appointments[f.appointment].patient].externalId),
        rows.map((f) => appointments[f.appointment].startsAt),
        column(rows, 'rating'),
        column(rows, 'nps'),
        column(rows, 'scoreDoctor'),
        column(rows, 'scoreWaitTime'),
        column(rows, 'comment'),
        column(rows, 'submittedAt'),
      ],
    ),
  );
  await execute(
    em,
    `insert into feedback_alert (code, feedback_id, hospital_id, status, reason, opened_at, due_at,
       acknowledged_at, acknowledged_by, resolved_at, resolved_by, resolution_note)
     select 'AL-' || extract(year from f.submitted_at at time zone 'Africa/Lagos')::int || '-'
              || lpad(nextval('feedback_alert_seq')::text, 4, '0'),
            f.id, f.hospital_id, s.status,
            case when f.rating <= 2 then 'overall rating ' || f.rating || '/5'
                 else 'wait time rated ' || f.score_wait_time || '/5' end,
            f.submitted_at, f.submitted_at + make_interval(hours => $2),
            case when s.status <> 'open' then f.submitted_at + interval '5 hours' end,
            case when s.status <> 'open' then 'demo-manager' end,
            case when s.status = 'resolved' then f.submitted_at + interval '30 hours' end,
            case when s.status = 'resolved' then 'demo-manager' end,
            case when s.status = 'resolved' then 'called the patient and apologised' end
       from feedback f
       cross join lateral (select case when f.submitted_at < $1::timestamptz - interval '7 days'
                                       then 'resolved' else 'open' end as status) s
      where f.rating <= 2 or f.score_wait_time <= 2
      order by f.submitted_at`,
    [now, alertHours],
  );
}

/**
 * The points the history earned, by the earning rules (core/loyalty/earning-rules.ts): +20 per
 * completed appointment under `appointment:<id>`, +50 per feedback about an appointment under
 * `feedback:<appointmentId>` — the same source keys as the rules book, so nothing here is earned
 * twice if the event is booked again. One statement per kind: the ledger's trigger updates each
 * account (balance, lifetime points, tier) once; then the lots expiry takes points from.
 */
export async function insertLoyaltyHistory(em: EntityManager): Promise<void> {
  await execute(
    em,
    `insert into loyalty_transactions (patient_id, points, kind, reason, source_key, created_at)
     select patient_id, points, 'earn', reason, source_key, at
       from (select a.patient_id, $1::bigint as points, 'appointment ' || a.code || ' completed' as reason,
                    'appointment:' || a.id as source_key, a.ends_at as at
               from appointment a where a.status = 'completed'
             union all
             select f.patient_id, $2::bigint, 'feedback ' || f.id, 'feedback:' || f.appointment_id, f.submitted_at
               from feedback f where f.appointment_id is not null) e
      order by at
     on conflict (source_key) do nothing`,
    [EARNING.appointment, EARNING.feedback],
  );
  await execute(
    em,
    `insert into loyalty_lot (transaction_id, patient_id, points, remaining, earned_at)
     select t.id, t.patient_id, t.points, t.points, t.created_at
       from loyalty_transactions t
      where t.kind = 'earn' and not exists (select 1 from loyalty_lot l where l.transaction_id = t.id)`,
  );
}

/**
 * The demo's contracts were signed (created and activated) on the day they started, as if the
 * network had run since then: the dashboard counts a contract in force from its activation.
 */
export async function backdateContracts(em: EntityManager): Promise<void> {
  await execute(
    em,
    `update contract c
        set created_at = (c.start_date::timestamp at time zone 'Africa/Lagos') - interval '14 days',
            activated_at = c.start_date::timestamp at time zone 'Africa/Lagos'
       from hospital h
      where h.id = c.hospital_id and h.code = any($1::text[]) and c.status = 'active'`,
    [DEMO_HOSPITALS.map((h) => h.code)],
  );
}

/** Owners' satisfaction ratings over the history, recorded by the demo's account manager. */
export async function insertOwnerRatings(
  em: EntityManager,
  ratings: DemoPlan['ownerRatings'],
): Promise<void> {
  await execute(
    em,
    `insert into owner_satisfaction (owner_id, category, rating, would_recommend, operator, recorded_at)
     select o.id, r.category, r.rating, r.recommends, 'ada', r.at
       from unnest($1::text[], $2::text[], $3::smallint[], $4::boolean[], $5::timestamptz[])
            as r(owner, category, rating, recommends, at)
       join owner o on o.name = r.owner`,
    [
      column(ratings, 'owner'),
      column(ratings, 'category'),
      column(ratings, 'rating'),
      column(ratings, 'recommends'),
      column(ratings, 'at'),
    ],
  );
}
