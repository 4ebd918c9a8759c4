import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { ConflictError, ValidationError } from '../errors.js';
import { hospitalRepository } from '../hospitals/hospital.repository.js';
import { lagosDate } from '../time.js';
import { type Channel, Patient } from './patient.entity.js';
import { patientRepository } from './patient.repository.js';
import { findDuplicatePatient } from './patient.sql.js';
import { type PatientView, toPatientView } from './patient.view.js';
import { mapColumns, type PatientRow, validatePatientRecord } from './patient-csv.parser.js';

export interface AddPatientInput {
  firstName: string;
  lastName: string;
  phone?: string;
  email?: string;
  dateOfBirth?: string;
  gender?: string;
  hospital?: string;
  externalId?: string;
  address?: string;
  preferredChannel?: string;
  language?: string;
  referredBy?: string;
  consent?: Partial<Record<Channel, boolean>>;
}

/**
 * A patient's fields validated by the same rules as the CSV import (`patient add`, and `patient
 * edit` with the patient's current values for what it does not change); the first problem is
 * exit 3 naming the field.
 */
export function validPatientRow(input: AddPatientInput, today: string): PatientRow {
  // One validator for both paths: build the row the importer would see.
  const fields: [string, string | undefined][] = [
    ['first_name', input.firstName],
    ['last_name', input.lastName],
    ['phone', input.phone],
    ['email', input.email],
    ['date_of_birth', input.dateOfBirth],
    ['gender', input.gender],
    ['external_id', input.externalId],
    ['address', input.address],
    ['preferred_channel', input.preferredChannel],
    ['language', input.language],
    ['sms_consent', input.consent?.sms === undefined ? undefined : String(input.consent.sms)],
    ['whatsapp_consent', input.consent?.whatsapp === undefined ? undefined : String(input.consent.whatsapp)],
    ['email_consent', input.consent?.email === undefined ? undefined : String(input.consent.email)],
  ];
  const mapping = mapColumns(fields.map(([h]) => h));
  const result = validatePatientRecord(
    fields.map(([, v]) => v ?? ''),
    1,
    mapping,
    { today },
  );
  if (!result.ok) {
    const p = result.problems[0];
    throw new ValidationError(p.column.replace(/_/g, '-'), p.value || undefined, p.reason);
  }
  return result.row;
}

/** Adds one patient, validated by the same rules as the CSV import; a duplicate is exit 5. */
export async function addPatient(ctx: ServiceContext, input: AddPatientInput): Promise<PatientView> {
  const row = validPatientRow(input, lagosDate(ctx.clock.now()));
  return ctx.em.transactional(async (em) => {
    const hospital = input.hospital ? await hospitalRepository(em).getByRef(input.hospital) : null;
    const referrer = input.referredBy ? await patientRepository(em).getByRef(input.referredBy) : null;
    const duplicate = await findDuplicatePatient(em, {
      hospitalId: hospital?.id ?? null,
      externalId: row.externalId ?? null,
      phone: row.phone ?? null,
      firstName: row.firstName,
      lastName: row.lastName,
    });
    if (duplicate) {
      throw new ConflictError(
        'patient_exists',
        `this patient already exists (${duplicate}); see \`crm patient show ${duplicate}\``,
      );
    }
    const now = ctx.clock.now().toISO()!;
    const patient = em.create(Patient, {
      hospital,
      externalId: row.externalId ?? null,
      firstName: row.firstName,
      lastName: row.lastName,
      phone: row.phone ?? null,
      email: row.email ?? null,
      dateOfBirth: row.dateOfBirth ?? null,
      gender: row.gender ?? null,
      address: row.address ?? null,
      preferredChannel: row.preferredChannel ?? (row.phone ? 'sms' : 'email'),
      preferredLanguage: row.preferredLanguage ?? 'en',
      consentSms: row.smsConsent ?? false,
      consentWhatsapp: row.whatsappConsent ?? false,
      consentEmail: row.emailConsent ?? false,
      referredBy: referrer?.id ?? null,
      createdAt: new Date(now),
      updatedAt: new Date(now),
    } as never);
    await em.flush();
    // No names: the audit log is kept forever; the entity id says which patient.
    await recordAudit(em, ctx.actor, 'patient', patient.id, { hospital: hospital?.code ?? null });
    return toPatientView(patient);
  });
}
