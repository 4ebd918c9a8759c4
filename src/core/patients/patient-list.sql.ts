/**
 * The patient list as one named query, for `crm patient list` through a read connection
 * (core/db/reader.ts): no MikroORM, so nothing here may import an entity.
 */
import type { SqlReader } from '../db/sql.js';

/**
 * SQL for the hospital a patient without a home hospital is keyed under: the unique index
 * patient_hospital_external_id is on `(coalesce(hospital_id, NO_HOSPITAL), external_id)`, and
 * queries by hospital are written the same way to use it.
 */
export const NO_HOSPITAL = "'00000000-0000-0000-0000-000000000000'::uuid";

/** A patient row as the list reads it, with its home hospital's code. */
export interface PatientRow {
  id: string;
  first_name: string;
  last_name: string;
  phone: string | null;
  email: string | null;
  date_of_birth: string | null;
  gender: string | null;
  hospital_code: string | null;
  external_id: string | null;
  preferred_channel: string;
  preferred_language: string;
  consent_sms: boolean;
  consent_whatsapp: boolean;
  consent_email: boolean;
  opted_out_sms: boolean;
  opted_out_whatsapp: boolean;
  opted_out_email: boolean;
  address: string | null;
  referred_by: string | null;
  created_at: Date | string;
  last_visit_at: Date | string | null;
  erased_at: Date | string | null;
}

export interface PatientListFilter {
  /** Of this home hospital (its id). */
  hospitalId?: string;
  /** Without a visit (or, never seen, a creation) before this time (ISO). */
  inactiveSince?: string;
  limit: number;
}

/**
 * Patients by name, then id, at most `limit`. The hospital is written as the key of
 * patient_hospital_external_id, the index that serves it.
 */
export function listPatientRows(read: SqlReader, filter: PatientListFilter): Promise<PatientRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.hospitalId !== undefined) {
    params.push(filter.hospitalId);
    where.push(`coalesce(p.hospital_id, ${NO_HOSPITAL}) = $${params.length}::uuid`);
  }
  if (filter.inactiveSince !== undefined) {
    params.push(filter.inactiveSince);
    where.push(`coalesce(p.last_visit_at, p.created_at) < $${params.length}::timestamptz`);
  }
  params.push(filter.limit);
  return read.query<PatientRow>(
    `select p.id, p.first_name, p.last_name, p.phone, p.email, p.date_of_birth, p.gender,
       h.code as hospital_code, p.external_id, p.preferred_channel, p.preferred_language,
       p.consent_sms, p.consent_whatsapp, p.consent_email,
       p.opted_out_sms, p.opted_out_whatsapp, p.opted_out_email,
       p.address, p.referred_by, p.created_at, p.last_visit_at, p.erased_at
     from patient p left join hospital h on h.id = p.hospital_id
     ${where.length ? `where ${where.join(' and ')}` : ''}
     order by p.last_name, p.first_name, p.id
     limit $${params.length}`,
    params,
  );
}
