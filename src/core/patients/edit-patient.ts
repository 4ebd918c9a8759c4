/**
 * `patient edit`: corrects a patient's details, validated by the rules of `patient add` and the
 * CSV import, with the patient's current values for what is not changed. Consent is not edited
 * here (it is given by the patient, and withdrawn with `patient opt-out`). An erased patient is
 * not edited: the erasure is final.
 */
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { ConflictError, ValidationError } from '../errors.js';
import { hospitalRepository } from '../hospitals/hospital.repository.js';
import { lagosDate } from '../time.js';
import { type AddPatientInput, validPatientRow } from './add-patient.js';
import { lockPatientForCorrection } from './lock-patient.js';
import { findDuplicatePatient } from './patient.sql.js';
import { type PatientView, toPatientView } from './patient.view.js';

export type EditPatientInput = Partial<Omit<AddPatientInput, 'consent' | 'referredBy'>>;

export interface EditPatientResult {
  patient: PatientView;
  changed: string[];
}

/** The columns `patient edit` may change, as the entity names them. */
const EDITABLE = [
  'firstName',
  'lastName',
  'phone',
  'email',
  'dateOfBirth',
  'gender',
  'externalId',
  'address',
  'preferredChannel',
  'preferredLanguage',
] as const;

export async function editPatient(
  ctx: ServiceContext,
  ref: string,
  input: EditPatientInput,
): Promise<EditPatientResult> {
  const given = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  if (Object.keys(given).length === 0)
    throw new ValidationError(
      'patient',
      ref,
      'name at least one field to change (see crm patient edit --help)',
    );
  return ctx.em.transactional(async (em) => {
    const patient = await lockPatientForCorrection(em, ref);
    const current: AddPatientInput = {
      firstName: patient.firstName,
      lastName: patient.lastName,
      phone: patient.phone ?? undefined,
      email: patient.email ?? undefined,
      dateOfBirth: patient.dateOfBirth ?? undefined,
      gender: patient.gender ?? undefined,
      externalId: patient.externalId ?? undefined,
      address: patient.address ?? undefined,
      preferredChannel: patient.preferredChannel,
      language: patient.preferredLanguage,
    };
    const row = validPatientRow({ ...current, ...given }, lagosDate(ctx.clock.now()));
    const hospital =
      input.hospital === undefined
        ? (patient.hospital ?? null)
        : input.hospital.trim()
          ? await hospitalRepository(em).getByRef(input.hospital)
          : null;
    const next = {
      firstName: row.firstName,
      lastName: row.lastName,
      phone: row.phone ?? null,
      email: row.email ?? null,
      dateOfBirth: row.dateOfBirth ?? null,
      gender: row.gender ?? null,
      externalId: row.externalId ?? null,
      address: row.address ?? null,
      preferredChannel: row.preferredChannel ?? patient.preferredChannel,
      preferredLanguage: row.preferredLanguage ?? patient.preferredLanguage,
    };
    const changed: string[] = EDITABLE.filter((k) => (patient[k] ?? null) !== next[k]);
    if ((hospital?.id ?? null) !== (patient.hospital?.id ?? null)) changed.push('hospital');
    if (changed.length === 0) return { patient: toPatientView(patient), changed };
    const duplicate = await findDuplicatePatient(em, {
      exceptId: patient.id,
      hospitalId: hospital?.id ?? null,
      externalId: next.externalId,
      phone: next.phone,
      firstName: next.firstName,
      lastName: next.lastName,
    });
    if (duplicate)
      throw new ConflictError(
        'patient_exists',
        `another patient has these details (${duplicate}); to make them one, crm patient merge ${duplicate} ${patient.id}`,
      );
    Object.assign(patient, next, { hospital, updatedAt: new Date(ctx.clock.now().toISO()!) });
    await em.flush();
    // Which fields changed, never their values: the audit log is kept forever.
    await recordAudit(em, ctx.actor, 'patient', patient.id, {
      action: 'edit',
      changed,
      ...(changed.includes('hospital') ? { hospital: hospital?.code ?? null } : {}),
    });
    return { patient: toPatientView(patient), changed };
  });
}
