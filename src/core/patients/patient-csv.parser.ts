/**
 * The patient CSV row validator: header matching (aliases and --map), and the normalisation of
 * one row into a PatientRow or a list of reasons. Pure: no database, no I/O.
 */
import { hasInvalidUtf8, hasNul, NOT_UTF8, NUL_BYTE, normalizeHeader } from '../csv.js';
import { UsageError, ValidationError } from '../errors.js';
import { normalizePhone } from '../phone.js';
import { parseCalendarDate } from '../time.js';
import type { Channel, Gender, Language } from './patient.entity.js';

export const PATIENT_FIELDS = [
  'externalId',
  'firstName',
  'lastName',
  'phone',
  'email',
  'dateOfBirth',
  'gender',
  'address',
  'hospitalCode',
  'preferredChannel',
  'preferredLanguage',
  'referredBy',
  'smsConsent',
  'whatsappConsent',
  'emailConsent',
] as const;
export type PatientField = (typeof PATIENT_FIELDS)[number];

/** Column names as they are written in the errors file and in messages. */
export const FIELD_LABELS: Record<PatientField, string> = {
  externalId: 'external_id',
  firstName: 'first_name',
  lastName: 'last_name',
  phone: 'phone',
  email: 'email',
  dateOfBirth: 'date_of_birth',
  gender: 'gender',
  address: 'address',
  hospitalCode: 'hospital',
  preferredChannel: 'preferred_channel',
  preferredLanguage: 'language',
  referredBy: 'referred_by',
  smsConsent: 'sms_consent',
  whatsappConsent: 'whatsapp_consent',
  emailConsent: 'email_consent',
};

/** Spellings seen in hospital exports, already normalised (see normalizeHeader). */
const ALIASES: Record<PatientField, string[]> = {
  externalId: [
    'externalid',
    'mrn',
    'hospitalnumber',
    'hospitalno',
    'patientnumber',
    'patientno',
    'patientid',
    'medicalrecordnumber',
    'recordnumber',
    'folderno',
    'foldernumber',
    'cardno',
    'cardnumber',
  ],
  firstName: ['firstname', 'givenname', 'forename', 'fname', 'first', 'othernames'],
  lastName: ['lastname', 'surname', 'familyname', 'lname', 'last'],
  phone: [
    'phone',
    'phonenumber',
    'phoneno',
    'mobile',
    'mobilenumber',
    'mobileno',
    'msisdn',
    'telephone',
    'tel',
    'gsm',
    'gsmnumber',
    'cellphone',
    'cell',
  ],
  email: ['email', 'emailaddress', 'mail'],
  dateOfBirth: ['dateofbirth', 'dob', 'birthdate', 'birthday', 'dateofbirthddmmyyyy'],
  gender: ['gender', 'sex'],
  address: ['address', 'homeaddress', 'residentialaddress', 'contactaddress'],
  hospitalCode: ['hospital', 'hospitalcode', 'facility', 'facilitycode'],
  preferredChannel: ['preferredchannel', 'channel', 'contactchannel'],
  preferredLanguage: ['language', 'preferredlanguage', 'lang'],
  referredBy: ['referredby', 'referrer', 'referral', 'referredbyphone', 'referredbymrn'],
  smsConsent: ['smsconsent', 'consentsms'],
  whatsappConsent: ['whatsappconsent', 'consentwhatsapp'],
  emailConsent: ['emailconsent', 'consentemail'],
};

const FIELD_BY_ALIAS = new Map<string, PatientField>();
for (const field of PATIENT_FIELDS) {
  for (const alias of [...ALIASES[field], normalizeHeader(field), normalizeHeader(FIELD_LABELS[field])]) {
    FIELD_BY_ALIAS.set(alias, field);
  }
}

/**
 * Resolves a field name as an operator writes it in --map (`first_name`, `firstName`, or the field's
 * label); a header alias (`telephone`, `DOB`) is not a field name, so `--map Cell=telephone` is refused.
 */
export function resolveFieldName(name: string): PatientField | undefined {
  const key = normalizeHeader(name);
  return PATIENT_FIELDS.find((f) => normalizeHeader(f) === key || normalizeHeader(FIELD_LABELS[f]) === key);
}

export interface ColumnMapping {
  /** Column index → field. */
  columns: (PatientField | undefined)[];
  unknownColumns: string[];
  headers: string[];
}

/**
 * Matches the header row to fields. `maps` are `--map column=field` pairs; they win over aliases.
 * Throws a ValidationError when a required column is missing, naming it and the way to fix it.
 */
export function mapColumns(headers: string[], maps: string[] = []): ColumnMapping {
  const explicit = new Map<string, PatientField>();
  for (const m of maps) {
    const eq = m.lastIndexOf('=');
    if (eq <= 0 || eq === m.length - 1) throw new UsageError(`--map: expected COLUMN=FIELD, got "${m}"`);
    const field = resolveFieldName(m.slice(eq + 1));
    if (!field) {
      throw new UsageError(
        `--map: unknown field "${m.slice(eq + 1)}" (fields: ${PATIENT_FIELDS.map((f) => FIELD_LABELS[f]).join(', ')})`,
      );
    }
    explicit.set(normalizeHeader(m.slice(0, eq)), field);
  }
  // A --map naming a column the file does not have is a typo: refused, naming it and the columns.
  const present = new Set(headers.map(normalizeHeader));
  for (const m of maps) {
    const column = m.slice(0, m.lastIndexOf('='));
    if (!present.has(normalizeHeader(column)))
      throw new UsageError(
        `--map: no column "${column}" in the file (columns: ${headers.filter((h) => h.trim()).join(', ')})`,
      );
  }
  const seen = new Set<PatientField>();
  const columns: (PatientField | undefined)[] = [];
  const unknownColumns: string[] = [];
  for (const header of headers) {
    const key = normalizeHeader(header);
    const field = explicit.get(key) ?? FIELD_BY_ALIAS.get(key);
    if (field && !seen.has(field)) {
      seen.add(field);
      columns.push(field);
    } else {
      columns.push(undefined);
      if (header.trim() !== '')
        unknownColumns.push(field ? `${header} (duplicate of ${FIELD_LABELS[field]})` : header);
    }
  }
  const missing: string[] = [];
  if (!seen.has('firstName')) missing.push('first_name');
  if (!seen.has('lastName')) missing.push('last_name');
  if (!seen.has('phone') && !seen.has('email')) missing.push('phone or email');
  if (missing.length > 0) {
    throw new ValidationError(
      'header',
      headers.join(','),
      `no column for ${missing.join(', ')}; name it with --map COLUMN=${missing[0].split(' ')[0]}`,
      'import_missing_columns',
    );
  }
  return { columns, unknownColumns, headers };
}

/** A validated, normalised row. Undefined means "the file gives no value here". */
export interface PatientRow {
  rowNumber: number;
  externalId?: string;
  firstName: string;
  lastName: string;
  phone?: string;
  email?: string;
  dateOfBirth?: string;
  gender?: Gender;
  address?: string;
  hospitalCode?: string;
  preferredChannel?: Channel;
  preferredLanguage?: Language;
  referrerPhone?: string;
  referrerExternalId?: string;
  smsConsent?: boolean;
  whatsappConsent?: boolean;
  emailConsent?: boolean;
}

export interface RowProblem {
  column: string;
  value: string;
  reason: string;
}

export type RowResult = { ok: true; row: PatientRow } | { ok: false; problems: RowProblem[] };

const EMAIL = /^[^\s@,;<>]+@[^\s@,;<>]+\.[^\s@,;<>]+$/;
const GENDERS: Record<string, Gender> = {
  f: 'female',
  female: 'female',
  woman: 'female',
  m: 'male',
  male: 'male',
  man: 'male',
  o: 'other',
  other: 'other',
};
const CHANNELS: Record<string, Channel> = {
  sms: 'sms',
  text: 'sms',
  whatsapp: 'whatsapp',
  wa: 'whatsapp',
  email: 'email',
  'e-mail': 'email',
  mail: 'email',
};
const LANGUAGE_NAMES: Record<string, Language> = {
  en: 'en',
  english: 'en',
  pcm: 'pcm',
  pidgin: 'pcm',
  yo: 'yo',
  yoruba: 'yo',
  ha: 'ha',
  hausa: 'ha',
  ig: 'ig',
  igbo: 'ig',
};
const BOOLEANS: Record<string, boolean> = {
  yes: true,
  y: true,
  true: true,
  '1': true,
  no: false,
  n: false,
  false: false,
  '0': false,
};

const RUNS_OF_SPACE = /\s{2,}|[\t\n\r\f\v\u00a0]/;

function collapse(value: string): string {
  const trimmed = value.trim();
  // Most cells have nothing to collapse: test before replacing, a replace always allocates.
  return RUNS_OF_SPACE.test(trimmed) ? trimmed.replace(/\s+/g, ' ') : trimmed;
}

export interface RowContext {
  /** Today in Lagos, `YYYY-MM-DD`: a date of birth after it is rejected. */
  today: string;
}

/** Validates one record against the mapping. Collects every problem of the row, not just the first. */
export function validatePatientRecord(
  record: string[],
  rowNumber: number,
  mapping: ColumnMapping,
  context: RowContext,
): RowResult {
  const problems: RowProblem[] = [];
  if (record.length !== mapping.headers.length) {
    return {
      ok: false,
      problems: [
        {
          column: '*',
          value: '',
          reason: `has ${record.length} fields, the header has ${mapping.headers.length}`,
        },
      ],
    };
  }
  const row: PatientRow = { rowNumber, firstName: '', lastName: '' };
  const bad = (field: PatientField, value: string, reason: string) =>
    problems.push({ column: FIELD_LABELS[field], value, reason });

  for (let i = 0; i < record.length; i++) {
    const field = mapping.columns[i];
    if (!field) continue;
    const raw = record[i];
    const value = collapse(raw);
    if (value === '') continue;
    if (hasInvalidUtf8(value)) {
      bad(field, raw, NOT_UTF8);
      continue;
    }
    // PostgreSQL's text holds no NUL: the row is rejected here rather than failing the COPY.
    if (hasNul(value)) {
      bad(field, raw, NUL_BYTE);
      continue;
    }
    switch (field) {
      case 'firstName':
      case 'lastName':
      case 'address':
        row[field] = value;
        break;
      case 'externalId':
        row.externalId = value;
        break;
      case 'hospitalCode':
        row.hospitalCode = value.toUpperCase();
        break;
      case 'phone': {
        const phone = normalizePhone(value);
        if (phone.ok) row.phone = phone.e164;
        else bad(field, raw, phone.reason);
        break;
      }
      case 'email':
        if (EMAIL.test(value)) row.email = value.toLowerCase();
        else bad(field, raw, 'not an e-mail address');
        break;
      case 'dateOfBirth': {
        const date = parseCalendarDate(value);
        if (!date) bad(field, raw, 'not a date (YYYY-MM-DD or DD/MM/YYYY)');
        else if (date > context.today) bad(field, raw, 'is in the future');
        else if (date < '1900-01-01') bad(field, raw, 'is before 1900');
        else row.dateOfBirth = date;
        break;
      }
      case 'gender': {
        const gender = GENDERS[value.toLowerCase()];
        if (gender) row.gender = gender;
        else bad(field, raw, 'not a gender (female, male, other; F/M)');
        break;
      }
      case 'preferredChannel': {
        const channel = CHANNELS[value.toLowerCase()];
        if (channel) row.preferredChannel = channel;
        else bad(field, raw, 'not a channel (sms, whatsapp, email)');
        break;
      }
      case 'preferredLanguage': {
        const language = LANGUAGE_NAMES[value.toLowerCase()];
        if (language) row.preferredLanguage = language;
        else bad(field, raw, 'not a language (en, pcm, yo, ha, ig)');
        break;
      }
      case 'referredBy': {
        // A referrer is named by phone or by MRN: a value that reads as a phone number is one.
        const phone = /^[+\d(][\d\s\-().+]{6,}$/.test(value) ? normalizePhone(value) : undefined;
        if (phone?.ok) row.referrerPhone = phone.e164;
        else row.referrerExternalId = value;
        break;
      }
      case 'smsConsent':
      case 'whatsappConsent':
      case 'emailConsent': {
        const flag = BOOLEANS[value.toLowerCase()];
        if (flag === undefined) bad(field, raw, 'not yes/no (yes, no, y, n, true, false, 1, 0)');
        else row[field] = flag;
        break;
      }
    }
  }
  if (row.firstName === '' && !problems.some((p) => p.column === 'first_name'))
    bad('firstName', '', 'is required');
  if (row.lastName === '' && !problems.some((p) => p.column === 'last_name'))
    bad('lastName', '', 'is required');
  if (!row.phone && !row.email && !problems.some((p) => p.column === 'phone' || p.column === 'email')) {
    bad('phone', '', 'a phone number or an e-mail address is required');
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, row };
}
