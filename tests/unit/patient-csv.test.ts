import { describe, expect, it } from 'vitest';
import { NOT_UTF8, NUL_BYTE } from '../../src/core/csv.js';
import { UsageError } from '../../src/core/errors.js';
import { mapColumns, validatePatientRecord } from '../../src/core/patients/patient-csv.parser.js';
import { mergeDuplicates } from '../../src/core/patients/patient-duplicates.js';

const today = { today: '2026-11-25' };

describe('mapColumns', () => {
  it('recognises common spellings regardless of case, spaces, _ and -', () => {
    const m = mapColumns([
      'MRN',
      'FIRSTNAME',
      'Surname',
      'Phone Number',
      'E-mail',
      'Date of Birth',
      'Sex',
      'SMS Consent',
      'whatsapp_consent',
      'Hospital Number ',
    ]);
    expect(m.columns).toEqual([
      'externalId',
      'firstName',
      'lastName',
      'phone',
      'email',
      'dateOfBirth',
      'gender',
      'smsConsent',
      'whatsappConsent',
      undefined,
    ]);
    expect(m.unknownColumns).toEqual(['Hospital Number  (duplicate of external_id)']);
    expect(mapColumns(['First Name', 'Last Name', 'MSISDN']).columns[2]).toBe('phone');
    expect(mapColumns(['first_name', 'last_name', 'Mobile', 'DOB']).columns.slice(2)).toEqual([
      'phone',
      'dateOfBirth',
    ]);
  });

  it('--map names columns the aliases do not know, and wins over them', () => {
    const m = mapColumns(
      ['Given', 'Family', 'Hosp No', 'Tel'],
      ['Given=first_name', 'family=lastName', 'Hosp No=external_id', 'tel=phone'],
    );
    expect(m.columns).toEqual(['firstName', 'lastName', 'externalId', 'phone']);
  });

  it('reports unknown columns once and ignores them', () => {
    expect(mapColumns(['first name', 'last name', 'phone', 'Blood Group']).unknownColumns).toEqual([
      'Blood Group',
    ]);
  });

  it('refuses a file without the required columns, saying how to fix it', () => {
    expect(() => mapColumns(['Name', 'Phone'])).toThrow(
      /no column for first_name, last_name; name it with --map COLUMN=first_name/,
    );
    expect(() => mapColumns(['first', 'last'])).toThrow(/phone or email/);
  });

  it('rejects a bad --map as a usage error', () => {
    expect(() => mapColumns(['a'], ['a'])).toThrow(/expected COLUMN=FIELD/);
    expect(() => mapColumns(['a'], ['a=blood_group'])).toThrow(/unknown field "blood_group"/);
  });

  it('--map naming a column the file lacks, or a header alias as the field, is a usage error naming it', () => {
    const headers = ['First Name', 'Surname', 'Cell'];
    const nocol = (() => {
      try {
        mapColumns(headers, ['Nocol=phone']);
      } catch (e) {
        return e as UsageError;
      }
    })();
    expect(nocol).toBeInstanceOf(UsageError);
    expect(nocol?.exitCode).toBe(2);
    expect(nocol?.message).toMatch(
      /--map: no column "Nocol" in the file \(columns: First Name, Surname, Cell\)/,
    );
    expect(() => mapColumns(headers, ['Cell=telephone'])).toThrow(/--map: unknown field "telephone"/);
    expect(mapColumns(headers, ['cell=phone']).columns).toEqual(['firstName', 'lastName', 'phone']);
  });
});

describe('validatePatientRecord', () => {
  const mapping = mapColumns([
    'mrn',
    'first name',
    'last name',
    'phone',
    'email',
    'dob',
    'gender',
    'channel',
    'language',
    'sms consent',
    'referred by',
    'hospital',
  ]);
  const row = (values: Partial<Record<string, string>>) =>
    [
      'mrn',
      'first',
      'last',
      'phone',
      'email',
      'dob',
      'gender',
      'channel',
      'language',
      'consent',
      'ref',
      'hospital',
    ].map((k) => values[k] ?? '');

  it('normalises a good row', () => {
    const r = validatePatientRecord(
      row({
        mrn: ' A-1 ',
        first: ' Ada  Ngozi ',
        last: 'Obi',
        phone: '0803 123 4567',
        email: 'ADA@Example.NG',
        dob: '14/03/1988',
        gender: 'F',
        channel: 'WhatsApp',
        language: 'Yoruba',
        consent: 'Y',
        ref: '0805 987 6543',
        hospital: 'lag-001',
      }),
      2,
      mapping,
      today,
    );
    expect(r).toEqual({
      ok: true,
      row: {
        rowNumber: 2,
        externalId: 'A-1',
        firstName: 'Ada Ngozi',
        lastName: 'Obi',
        phone: '+2348031234567',
        email: 'ada@example.ng',
        dateOfBirth: '1988-03-14',
        gender: 'female',
        preferredChannel: 'whatsapp',
        preferredLanguage: 'yo',
        smsConsent: true,
        referrerPhone: '+2348059876543',
        hospitalCode: 'LAG-001',
      },
    });
  });

  it('a referrer that is not a phone is an MRN', () => {
    const r = validatePatientRecord(
      row({ first: 'a', last: 'b', phone: '08031234567', ref: 'LAG-000101' }),
      2,
      mapping,
      today,
    );
    expect(r.ok && r.row.referrerExternalId).toBe('LAG-000101');
  });

  it('collects every problem of a row with column, value and reason', () => {
    const r = validatePatientRecord(
      row({
        first: 'Ada',
        phone: '0803123',
        email: 'ada@',
        dob: '31/02/1990',
        gender: 'x',
        channel: 'fax',
        language: 'fr',
        consent: 'maybe',
      }),
      7,
      mapping,
      today,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      { column: 'phone', value: '0803123', reason: 'too short' },
      { column: 'email', value: 'ada@', reason: 'not an e-mail address' },
      { column: 'date_of_birth', value: '31/02/1990', reason: 'not a date (YYYY-MM-DD or DD/MM/YYYY)' },
      { column: 'gender', value: 'x', reason: 'not a gender (female, male, other; F/M)' },
      { column: 'preferred_channel', value: 'fax', reason: 'not a channel (sms, whatsapp, email)' },
      { column: 'language', value: 'fr', reason: 'not a language (en, pcm, yo, ha, ig)' },
      { column: 'sms_consent', value: 'maybe', reason: 'not yes/no (yes, no, y, n, true, false, 1, 0)' },
      { column: 'last_name', value: '', reason: 'is required' },
    ]);
  });

  it('rejects future birth dates, missing contacts and wrong field counts', () => {
    const future = validatePatientRecord(
      row({ first: 'a', last: 'b', phone: '08031234567', dob: '2027-01-01' }),
      2,
      mapping,
      today,
    );
    expect(future.ok || future.problems[0].reason).toBe('is in the future');
    const noContact = validatePatientRecord(row({ first: 'a', last: 'b' }), 2, mapping, today);
    expect(noContact.ok || noContact.problems[0].reason).toBe(
      'a phone number or an e-mail address is required',
    );
    const short = validatePatientRecord(['a', 'b'], 2, mapping, today);
    expect(short.ok || short.problems[0].reason).toBe('has 2 fields, the header has 12');
  });

  it('rejects every cell that held bytes that are not UTF-8 (decoded as U+FFFD), naming it', () => {
    const r = validatePatientRecord(
      row({ first: 'Jos\uFFFD', last: 'Ok\uFFFDfor', phone: '08031234567', ref: 'MRN-\uFFFD' }),
      2,
      mapping,
      today,
    );
    expect(r.ok ? [] : r.problems.map((p) => [p.column, p.value, p.reason])).toEqual([
      ['first_name', 'Jos\uFFFD', NOT_UTF8],
      ['last_name', 'Ok\uFFFDfor', NOT_UTF8],
      ['referred_by', 'MRN-\uFFFD', NOT_UTF8],
    ]);
  });

  it('rejects every cell holding a NUL byte, which PostgreSQL cannot store, naming it', () => {
    const r = validatePatientRecord(
      row({ first: 'Ada\u0000', last: 'Okafor', phone: '0803123\u00004567', ref: '' }),
      2,
      mapping,
      today,
    );
    expect(r.ok ? [] : r.problems.map((p) => [p.column, p.value, p.reason])).toEqual([
      ['first_name', 'Ada\u0000', NUL_BYTE],
      ['phone', '0803123\u00004567', NUL_BYTE],
    ]);
  });
});

describe('mergeDuplicates', () => {
  const staged = (rowNumber: number, extra: Record<string, unknown>) => ({
    hospitalId: 'h1',
    row: { rowNumber, firstName: 'Ada', lastName: 'Obi', phone: '+2348031234567', ...extra },
  });

  it('merges rows that are the same patient; later non-empty values win', () => {
    const { merged, updated, unchanged } = mergeDuplicates([
      staged(2, { externalId: 'M1', email: 'a@x.ng' }),
      staged(3, { email: 'b@x.ng' }), // same phone + name, no MRN: same patient
      staged(4, { externalId: 'M1' }), // same MRN, brings nothing new
    ]);
    expect(merged).toHaveLength(1);
    expect(merged[0].row).toMatchObject({ externalId: 'M1', email: 'b@x.ng' });
    expect([updated, unchanged]).toEqual([1, 1]);
  });

  it('keeps two MRNs apart even when phone and name agree', () => {
    const { merged } = mergeDuplicates([staged(2, { externalId: 'M1' }), staged(3, { externalId: 'M2' })]);
    expect(merged).toHaveLength(2);
  });

  it('keeps hospitals apart', () => {
    const { merged } = mergeDuplicates([staged(2, {}), { ...staged(3, {}), hospitalId: 'h2' }]);
    expect(merged).toHaveLength(2);
  });
});
