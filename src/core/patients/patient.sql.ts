import type { EntityManager } from '@mikro-orm/postgresql';
import { query, queryOne, sqlIdentifier } from '../db/sql.js';
import { NO_HOSPITAL } from './patient.entity.js';

/** What `patient add` knows of a new patient, to look for the same patient already recorded. */
export interface PatientIdentity {
  /** A patient being corrected: not a duplicate of itself. */
  exceptId?: string;
  hospitalId: string | null;
  externalId: string | null;
  phone: string | null;
  firstName: string;
  lastName: string;
}

/**
 * The id of a patient that a new one would duplicate, if any: the same MRN at the same home
 * hospital (none counting as one), or the same phone and names (any case) at the same hospital.
 * Each branch is keyed so that one index serves it: (hospital, MRN) the unique key
 * patient_hospital_external_id, the phone its own index (the hospital as a filter there, written
 * `is not distinct from`, not as a scan of all the hospital's patients). An entity query cannot
 * write these keys, hence SQL.
 */
export async function findDuplicatePatient(
  em: EntityManager,
  p: PatientIdentity,
): Promise<string | undefined> {
  const row = await queryOne<{ id: string }>(
    em,
    `select id from patient
     where ((coalesce(hospital_id, ${NO_HOSPITAL}) = coalesce($1::uuid, ${NO_HOSPITAL}) and external_id = $2)
        or (phone = $3 and hospital_id is not distinct from $1::uuid
            and lower(first_name) = lower($4) and lower(last_name) = lower($5)))
       and id is distinct from $6::uuid
     limit 1`,
    [p.hospitalId, p.externalId, p.phone, p.firstName, p.lastName, p.exceptId ?? null],
  );
  return row?.id;
}

/**
 * Every column that names a patient, other than the patient's own row: what `patient merge` moves
 * from the duplicate to the patient kept. Reminders and appointment outcomes follow their
 * appointment. The one list to extend when a table gains a patient reference that a plain UPDATE
 * can move. A reference not listed (feedback, the loyalty tables, campaign recipients: histories
 * with rules of their own) refuses the merge of a duplicate that has rows there
 * (`unlistedReferencesHolding`), so none is left pointing at a deleted row.
 */
export const PATIENT_REFERENCES = [
  { table: 'appointment', column: 'patient_id' },
  { table: 'messages', column: 'patient_id' },
  { table: 'patient', column: 'referred_by' },
] as const;

/**
 * Of the references PATIENT_REFERENCES does not name (unlistedPatientReferences), those that
 * hold rows of `patientId` (`table.column`): history a merge cannot move yet.
 */
export async function unlistedReferencesHolding(
  em: EntityManager,
  refs: string[],
  patientId: string,
): Promise<string[]> {
  const holding: string[] = [];
  for (const ref of refs) {
    const [table, column] = ref.split('.');
    const row = await queryOne<{ found: boolean }>(
      em,
      `select exists (select 1 from ${sqlIdentifier(table)} where ${sqlIdentifier(column)} = $1) as found`,
      [patientId],
    );
    if (row?.found) holding.push(ref);
  }
  return holding;
}

/**
 * References to patient that the database guards with triggers rather than a foreign key
 * (migrations campaign_recipients_statement_checks and messages_patient_checks: a million-row
 * snapshot, and a campaign's groups of messages, checked per statement), so that the catalog's
 * foreign keys do not list them.
 */
export const TRIGGER_GUARDED_PATIENT_REFERENCES = [
  'campaign_recipients.patient_id',
  'messages.patient_id',
] as const;

/**
 * References to patient that PATIENT_REFERENCES does not name (`table.column`): the catalog's
 * foreign keys and TRIGGER_GUARDED_PATIENT_REFERENCES.
 */
export async function unlistedPatientReferences(em: EntityManager): Promise<string[]> {
  const rows = await query<{ ref: string }>(
    em,
    `select c.conrelid::regclass::text || '.' || a.attname as ref
     from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any(c.conkey)
     where c.contype = 'f' and c.confrelid = 'patient'::regclass`,
  );
  const listed = new Set(PATIENT_REFERENCES.map((r) => `${r.table}.${r.column}`));
  // A table outside the search path is named with its schema: compare table.column only.
  const refs = new Set([
    ...rows.map((r) => r.ref.split('.').slice(-2).join('.')),
    ...TRIGGER_GUARDED_PATIENT_REFERENCES,
  ]);
  return [...refs].filter((ref) => !listed.has(ref));
}

/** Points every reference to `from` at `to`; how many rows of each table moved. */
export async function movePatientReferences(
  em: EntityManager,
  from: string,
  to: string,
): Promise<Record<string, number>> {
  const moved: Record<string, number> = {};
  for (const { table, column } of PATIENT_REFERENCES) {
    const rows = await query<{ n: number }>(
      em,
      `with moved as (update ${table} set ${column} = $2 where ${column} = $1 returning 1)
       select count(*)::int as n from moved`,
      [from, to],
    );
    moved[table === 'patient' ? 'referrals' : table] = Number(rows[0].n);
  }
  return moved;
}

/**
 * Removes what identifies an erased patient from the messages sent to them (recipient, subject,
 * body) and from their reminders' errors, and cancels their reminders still to send. Returns how
 * many messages were anonymised.
 */
export async function anonymiseMessagesOf(em: EntityManager, patientId: string): Promise<number> {
  const rows = await query<{ n: number }>(
    em,
    `with m as (update messages set recipient = 'erased', subject = null, body = '[erased]',
                  content_variables = null
                where patient_id = $1 returning 1)
     select count(*)::int as n from m`,
    [patientId],
  );
  await query(
    em,
    `update reminder r set last_error = null,
       status = case when r.status = 'pending' then 'cancelled' else r.status end
     from appointment a where a.id = r.appointment_id and a.patient_id = $1`,
    [patientId],
  );
  return Number(rows[0].n);
}
