import { isoTimestamp, isoTimestampOrNull } from '../db/values.js';
import type { Channel, Gender, Language, Patient } from './patient.entity.js';
import type { PatientRow } from './patient-list.sql.js';

/** A patient as commands print it (`crm patient show --json`, SPEC appendix). */
export interface PatientView {
  id: string;
  firstName: string;
  lastName: string;
  phone: string | null;
  email: string | null;
  dateOfBirth: string | null;
  gender: string | null;
  hospital: string | null;
  externalId: string | null;
  preferredChannel: Channel;
  preferredLanguage: string;
  consent: Record<Channel, boolean>;
  optedOut: Record<Channel, boolean>;
  address: string | null;
  referredBy: string | null;
  createdAt: string;
  lastVisitAt: string | null;
  /** When the patient's personal data was erased (`patient erase`), else null. */
  erasedAt: string | null;
}

/** The view of a patient whose home hospital is loaded (the repository's lookups load it). */
export function toPatientView(p: Patient): PatientView {
  return {
    id: p.id,
    firstName: p.firstName,
    lastName: p.lastName,
    phone: p.phone ?? null,
    email: p.email ?? null,
    dateOfBirth: p.dateOfBirth ?? null,
    gender: p.gender ?? null,
    hospital: p.hospital ? hospitalCode(p) : null,
    externalId: p.externalId ?? null,
    preferredChannel: p.preferredChannel,
    preferredLanguage: p.preferredLanguage,
    consent: { sms: p.consentSms, whatsapp: p.consentWhatsapp, email: p.consentEmail },
    optedOut: { sms: p.optedOutSms, whatsapp: p.optedOutWhatsapp, email: p.optedOutEmail },
    address: p.address ?? null,
    referredBy: p.referredBy ?? null,
    createdAt: isoTimestamp(p.createdAt),
    lastVisitAt: isoTimestampOrNull(p.lastVisitAt),
    erasedAt: isoTimestampOrNull(p.erasedAt),
  };
}

/** The same view of a row read with SQL (patient-list.sql.ts). */
export function patientViewOfRow(row: PatientRow): PatientView {
  return {
    id: row.id,
    firstName: row.first_name,
    lastName: row.last_name,
    phone: row.phone,
    email: row.email,
    dateOfBirth: row.date_of_birth,
    gender: row.gender as Gender | null,
    hospital: row.hospital_code,
    externalId: row.external_id,
    preferredChannel: row.preferred_channel as Channel,
    preferredLanguage: row.preferred_language as Language,
    consent: { sms: row.consent_sms, whatsapp: row.consent_whatsapp, email: row.consent_email },
    optedOut: { sms: row.opted_out_sms, whatsapp: row.opted_out_whatsapp, email: row.opted_out_email },
    address: row.address,
    referredBy: row.referred_by,
    createdAt: isoTimestamp(row.created_at),
    lastVisitAt: isoTimestampOrNull(row.last_visit_at),
    erasedAt: isoTimestampOrNull(row.erased_at),
  };
}

function hospitalCode(p: Patient): string {
  const code = p.hospital?.code;
  // A reference that was not loaded has its id only: the view would silently lose the hospital.
  if (code === undefined) throw new Error(`patient ${p.id}: load its hospital (populate) before viewing it`);
  return code;
}
