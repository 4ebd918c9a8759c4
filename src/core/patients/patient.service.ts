import type { EntityManager } from '@mikro-orm/postgresql';
import { type Actor, recordAudit } from '../audit/audit.js';
import { query, queryOne } from '../db/sql.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { hospitalRepository } from '../hospitals/hospital.repository.js';
import { normalizePhone } from '../phone.js';
import { type Clock, lagosDate, toIsoLagos } from '../time.js';
import { CHANNELS, type Channel, NO_HOSPITAL } from './patient.entity.js';
import { mapColumns, validatePatientRecord } from './patient-csv.parser.js';

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
}

interface PatientRecord {
  id: string;
  first_name: string;
  last_name: string;
  phone: string | null;
  email: string | null;
  date_of_birth: string | null;
  gender: string | null;
  hospital_code: string | null;
  external_id: string | null;
  preferred_channel: Channel;
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
}

const SELECT_PATIENT = `
  select p.id, p.first_name, p.last_name, p.phone, p.email, to_char(p.date_of_birth, 'YYYY-MM-DD') as date_of_birth,
    p.gender, h.code as hospital_code, p.external_id, p.preferred_channel, p.preferred_language,
    p.consent_sms, p.consent_whatsapp, p.consent_email, p.opted_out_sms, p.opted_out_whatsapp, p.opted_out_email,
    p.address, p.referred_by, p.created_at, p.last_visit_at
  from patient p left join hospital h on h.id = p.hospital_id`;

function toTimestamp(value: Date | string): string {
  return toIsoLagos(value instanceof Date ? value : new Date(value));
}

function toView(r: PatientRecord): PatientView {
  return {
    id: r.id,
    firstName: r.first_name,
    lastName: r.last_name,
    phone: r.phone,
    email: r.email,
    dateOfBirth: r.date_of_birth,
    gender: r.gender,
    hospital: r.hospital_code,
    externalId: r.external_id,
    preferredChannel: r.preferred_channel,
    preferredLanguage: r.preferred_language,
    consent: { sms: r.consent_sms, whatsapp: r.consent_whatsapp, email: r.consent_email },
    optedOut: { sms: r.opted_out_sms, whatsapp: r.opted_out_whatsapp, email: r.opted_out_email },
    address: r.address,
    referredBy: r.referred_by,
    createdAt: toTimestamp(r.created_at),
    lastVisitAt: r.last_visit_at ? toTimestamp(r.last_visit_at) : null,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Finds one patient by id, phone (any written form) or MRN. A phone or MRN shared by several
 * patients is a conflict that lists them, so the operator can pick by id.
 */
export async function findPatient(em: EntityManager, ref: string): Promise<PatientView> {
  const text = ref.trim();
  let rows: PatientRecord[];
  if (UUID.test(text)) {
    rows = await query<PatientRecord>(em, `${SELECT_PATIENT} where p.id = $1`, [text]);
  } else {
    const phone = /^[+\d(][\d\s\-().+]{6,}$/.test(text) ? normalizePhone(text) : undefined;
    rows = phone?.ok
      ? await query<PatientRecord>(
          em,
          `${SELECT_PATIENT} where p.phone = $1 order by p.created_at limit 10`,
          [phone.e164],
        )
      : await query<PatientRecord>(
          em,
          `${SELECT_PATIENT} where p.external_id = $1 order by p.created_at limit 10`,
          [text],
        );
  }
  if (rows.length === 0) throw new NotFoundError('patient', ref);
  if (rows.length > 1) {
    throw new ConflictError(
      'patient_ambiguous',
      `${rows.length} patients match ${ref}: ${rows.map((r) => `${r.id} (${r.first_name} ${r.last_name}${r.hospital_code ? `, ${r.hospital_code}` : ''})`).join('; ')}; use the id`,
    );
  }
  return toView(rows[0]);
}

export interface ListPatientsInput {
  hospital?: string;
  inactiveDays?: number;
  limit?: number;
}

export async function listPatients(
  em: EntityManager,
  clock: Clock,
  input: ListPatientsInput,
): Promise<PatientView[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (input.hospital) {
    const hospital = await hospitalRepository(em).getByRef(input.hospital);
    params.push(hospital.id);
    // Written as the key of patient_hospital_external_id, the index that serves it.
    where.push(`coalesce(p.hospital_id, ${NO_HOSPITAL}) = $${params.length}`);
  }
  if (input.inactiveDays !== undefined) {
    params.push(clock.now().minus({ days: input.inactiveDays }).toISO());
    where.push(`coalesce(p.last_visit_at, p.created_at) < $${params.length}::timestamptz`);
  }
  params.push(input.limit ?? 100);
  const rows = await query<PatientRecord>(
    em,
    `${SELECT_PATIENT} ${where.length ? `where ${where.join(' and ')}` : ''} order by p.last_name, p.first_name, p.id limit $${params.length}`,
    params,
  );
  return rows.map(toView);
}

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

/** Adds one patient, validated by the same rules as the CSV import. */
export async function addPatient(
  em: EntityManager,
  clock: Clock,
  input: AddPatientInput,
  actor: Actor,
): Promise<PatientView> {
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
    { today: lagosDate(clock.now()) },
  );
  if (!result.ok) {
    const p = result.problems[0];
    throw new ValidationError(p.column.replace(/_/g, '-'), p.value || undefined, p.reason);
  }
  const row = result.row;
  return em.transactional(async (tem) => {
    const hospitalId = input.hospital
      ? (await hospitalRepository(tem as EntityManager).getByRef(input.hospital)).id
      : null;
    let referrer: string | null = null;
    if (input.referredBy) referrer = (await findPatient(tem as EntityManager, input.referredBy)).id;
    const duplicate = await queryOne<{ id: string }>(
      tem as EntityManager,
      // Each branch keyed so that one index serves it: (hospital, MRN) the unique key, the phone
      // its own index (the hospital as a filter there, not as a scan of all its patients).
      `select id from patient
       where (coalesce(hospital_id, ${NO_HOSPITAL}) = coalesce($1::uuid, ${NO_HOSPITAL}) and external_id = $2)
          or (phone = $3 and hospital_id is not distinct from $1::uuid
              and lower(first_name) = lower($4) and lower(last_name) = lower($5))
       limit 1`,
      [hospitalId, row.externalId ?? null, row.phone ?? null, row.firstName, row.lastName],
    );
    if (duplicate) {
      throw new ConflictError(
        'patient_exists',
        `this patient already exists (${duplicate.id}); see \`crm patient show ${duplicate.id}\``,
      );
    }
    const now = clock.now().toISO();
    const inserted = await queryOne<{ id: string }>(
      tem as EntityManager,
      `insert into patient (hospital_id, external_id, first_name, last_name, phone, email, date_of_birth, gender,
         address, preferred_channel, preferred_language, consent_sms, consent_whatsapp, consent_email, referred_by,
         created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) returning id`,
      [
        hospitalId,
        row.externalId ?? null,
        row.firstName,
        row.lastName,
        row.phone ?? null,
        row.email ?? null,
        row.dateOfBirth ?? null,
        row.gender ?? null,
        row.address ?? null,
        row.preferredChannel ?? (row.phone ? 'sms' : 'email'),
        row.preferredLanguage ?? 'en',
        row.smsConsent ?? false,
        row.whatsappConsent ?? false,
        row.emailConsent ?? false,
        referrer,
        now,
      ],
    );
    await recordAudit(
      tem as EntityManager,
      actor,
      'patient',
      inserted!.id,
      { firstName: row.firstName, lastName: row.lastName },
      now ?? undefined,
    );
    return findPatient(tem as EntityManager, inserted!.id);
  });
}

/** Marks a patient opted out of a channel (STOP by another path, a complaint, a provider error). */
export async function optOutPatient(
  em: EntityManager,
  ref: string,
  channels: Channel[],
  actor: Actor,
): Promise<PatientView> {
  for (const c of channels) {
    if (!(CHANNELS as readonly string[]).includes(c))
      throw new ValidationError('channel', c, 'not a channel (sms, whatsapp, email)');
  }
  return em.transactional(async (tem) => {
    const patient = await findPatient(tem as EntityManager, ref);
    const sets = channels.map((c) => `opted_out_${c} = true`).join(', ');
    await query(tem as EntityManager, `update patient set ${sets}, updated_at = now() where id = $1`, [
      patient.id,
    ]);
    await recordAudit(tem as EntityManager, actor, 'patient', patient.id, { optedOut: channels });
    return findPatient(tem as EntityManager, patient.id);
  });
}
