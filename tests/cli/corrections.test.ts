/**
 * Corrections from the CLI (docs/corrections.md): each audited, each refusing what would falsify
 * history. The records are made through the core operations (factories) in beforeAll; each test
 * then runs the built binary for the correction and its refusals, and reads the database.
 */
import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTimeOff } from '../../src/core/doctors/add-time-off.js';
import { nubanCheckDigit } from '../../src/core/owners/nuban.js';
import { optOutPatient } from '../../src/core/patients/opt-out-patient.js';
import { approvePayouts } from '../../src/core/payouts/approve-payouts.js';
import { exportPayouts } from '../../src/core/payouts/export-payouts.js';
import { rejectPayout } from '../../src/core/payouts/reject-payout.js';
import { runPayouts } from '../../src/core/payouts/run-payouts.js';
import { fixedClock } from '../../src/core/time.js';
import { jsonOf, runCli } from '../support/cli.js';
import { createTestDatabase, sqlOnce, type TestDatabase } from '../support/db.js';
import {
  importTransactionRows,
  makeAppointment,
  makeContract,
  makeDoctor,
  makeHospital,
  makeOwner,
  makePatient,
} from '../support/factories.js';
import { tempPath } from '../support/files.js';
import { services } from '../support/services.js';

const NOW = '2026-12-01T09:00:00+01:00';
/** Each test starts the binary at most 4 times: up to ~15 s each on the embedded database of a loaded machine. */
const LONG = 180_000;
const ada = { operator: 'ada', command: 'test' };
const bola = { operator: 'bola', command: 'test' };
let tdb: TestDatabase;
const crm = (args: string[], operator = 'ada') => runCli(args, { ...tdb.env, CRM_OPERATOR: operator });
const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) =>
  sqlOnce<T>(tdb, text, params);

/** A valid NUBAN of `bankCode` whose first nine digits are `serial`. */
const nuban = (bankCode: string, serial: string) => `${serial}${nubanCheckDigit(bankCode, serial)}`;

/** What beforeAll made. */
const made = {
  ownerEmail: '',
  oldAccount: '',
  exportedRef: '',
  approvedRef: '',
  rejectedRef: '',
  hospital: '',
  doctor: '',
  otherHospital: '',
  /** Patients by role (ids). */
  keep: '',
  duplicate: '',
  referred: '',
  clashA: '',
  clashB: '',
  erase: '',
  erasePhone: '',
};

/** A message sent to a patient, as the messaging code records it. */
async function messageTo(patientId: string, recipient: string): Promise<void> {
  await sql(
    `insert into messages (channel, recipient, body, purpose, patient_id, provider, status)
     values ('sms', $2, 'Hello Amaka, your appointment is tomorrow', 'reminder', $1, 'twilio', 'sent')`,
    [patientId, recipient],
  );
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  const db = await tdb.open();
  try {
    const clock = fixedClock(DateTime.fromISO(NOW));
    const as = (actor: typeof ada) => services(db, { clock, actor });
    const hospital = await makeHospital(as(ada));
    const owner = await makeOwner(as(ada), { accountNumber: nuban('058', '111111111') });
    made.ownerEmail = owner.email!;
    made.oldAccount = owner.accountNumber;
    made.hospital = hospital.code;
    const paying = await makeContract(as(ada), {
      hospital: hospital.code,
      owner: owner.id,
      guarantee: '1000',
    });
    const other = await makeContract(as(ada), { guarantee: '2000' });
    await importTransactionRows(as(ada), [
      { hospital: hospital.code, reference: 'TX-SEP-1', at: '2026-09-10 10:00', amount: '5000' },
      { hospital: hospital.code, reference: 'TX-OCT-1', at: '2026-10-10 10:00', amount: '5000' },
      { hospital: hospital.code, reference: 'TX-OCT-2', at: '2026-10-11 10:00', amount: '700.50' },
      { hospital: hospital.code, reference: 'TX-NOV-1', at: '2026-11-11 10:00', amount: '300' },
    ]);
    for (const period of ['2026-09', '2026-10']) await runPayouts(as(ada), { period });
    made.exportedRef = `${paying.number}-2026-09`;
    made.approvedRef = `${paying.number}-2026-10`;
    made.rejectedRef = `${other.number}-2026-10`;
    await approvePayouts(as(bola), [made.exportedRef, made.approvedRef]);
    await rejectPayout(as(bola), made.rejectedRef, 'disputed revenue');
    await exportPayouts(as(ada), { period: '2026-09' });

    // A doctor with the working week, a live appointment on a Monday to come, and days off.
    const doctor = await makeDoctor(as(ada), { hospital: hospital.code });
    made.doctor = doctor.code;
    made.otherHospital = (await makeHospital(as(ada))).code;
    const patient = await makePatient(as(ada), { hospital: hospital.code });
    await makeAppointment(as(ada), { at: '2027-01-04 10:00', patient: patient.id, doctor: doctor.code });
    await addTimeOff(as(ada), doctor.code, { from: '2026-11-02', reason: 'leave' });
    await addTimeOff(as(ada), doctor.code, { from: '2027-02-01', to: '2027-02-03', reason: 'conference' });

    // Patients: a duplicate with an appointment, a referral and an opt-out; two records with
    // appointments at the same time; one to erase.
    const h = hospital.code;
    made.keep = (
      await makePatient(as(ada), { hospital: h, firstName: 'Amaka', lastName: 'Obi', externalId: 'MRN-1' })
    ).id;
    const duplicate = await makePatient(as(ada), { hospital: h, firstName: 'Amaka', lastName: 'Obi' });
    made.duplicate = duplicate.id;
    made.referred = (await makePatient(as(ada), { hospital: h, referredBy: duplicate.id })).id;
    await optOutPatient(as(ada), duplicate.id, ['sms']);
    await makeAppointment(as(ada), { at: '2027-01-05 09:00', patient: duplicate.id, doctor: doctor.code });
    const second = await makeDoctor(as(ada), { hospital: h });
    made.clashA = (await makePatient(as(ada), { hospital: h })).id;
    made.clashB = (await makePatient(as(ada), { hospital: h })).id;
    await makeAppointment(as(ada), { at: '2027-01-06 11:00', patient: made.clashA, doctor: doctor.code });
    await makeAppointment(as(ada), { at: '2027-01-06 11:00', patient: made.clashB, doctor: second.code });
    const erase = await makePatient(as(ada), {
      hospital: h,
      firstName: 'Chidi',
      lastName: 'Eze',
      email: 'chidi@example.ng',
      dateOfBirth: '1980-04-02',
      address: '12 Allen Avenue',
      externalId: 'MRN-ERASE',
    });
    made.erase = erase.id;
    made.erasePhone = erase.phone!;
    await makeAppointment(as(ada), { at: '2027-01-07 09:00', patient: erase.id, doctor: doctor.code });
  } finally {
    await db.close();
  }
  await messageTo(made.duplicate, '+2348030000001');
  await messageTo(made.erase, made.erasePhone);
}, 240_000);
afterAll(async () => {
  await tdb?.drop();
});

describe('owner edit', () => {
  it(
    'refuses a bank-detail change without --yes, and an invalid account number',
    async () => {
      const account = nuban('044', '222222222');
      const unconfirmed = await crm([
        'owner',
        'edit',
        made.ownerEmail,
        '--bank-code',
        '044',
        '--account-number',
        account,
      ]);
      expect(unconfirmed.code, unconfirmed.stderr).toBe(2);
      expect(unconfirmed.stderr).toMatch(/--yes/);
      const bad = `${account.slice(0, 9)}${(Number(account[9]) + 1) % 10}`;
      const invalid = await crm([
        'owner',
        'edit',
        made.ownerEmail,
        '--bank-code',
        '044',
        '--account-number',
        bad,
        '--yes',
      ]);
      expect(invalid.code, invalid.stderr).toBe(3);
      expect(invalid.stderr).toMatch(/account-number: check digit does not match bank 044/);
      const [row] = await sql<{ account_number: string }>(
        'select account_number from owner where email = $1',
        [made.ownerEmail],
      );
      expect(row.account_number).toBe(made.oldAccount);
    },
    LONG,
  );

  it('changes bank details with --yes; the exported payout keeps the details it was exported with', async () => {
    const account = nuban('044', '333333333');
    const r = await crm([
      'owner',
      'edit',
      made.ownerEmail,
      '--bank-code',
      '044',
      '--account-number',
      account,
      '--phone',
      '0803 555 0101',
      '--yes',
      '--json',
    ]);
    const result = jsonOf(r);
    expect(result.owner).toMatchObject({ bankCode: '044', bankName: 'Access Bank', accountNumber: account });
    expect(result.owner.phone).toBe('+2348035550101');
    expect(result.changed).toEqual(
      expect.arrayContaining(['bankCode', 'bankName', 'accountNumber', 'phone']),
    );
    // The exported payout: its snapshot, and the bank file written again, still name the old account.
    const [payout] = await sql<{ paid_to_account_number: string; paid_to_bank_code: string }>(
      'select paid_to_account_number, paid_to_bank_code from payout where reference = $1',
      [made.exportedRef],
    );
    expect(payout).toEqual({ paid_to_account_number: made.oldAccount, paid_to_bank_code: '058' });
    const out = tempPath('again.csv');
    const again = await crm([
      'payout',
      'export',
      '--period',
      '2026-09',
      '--include-exported',
      '--out',
      out,
      '--yes',
    ]);
    expect(again.code, again.stderr).toBe(0);
    const file = readFileSync(out, 'utf8');
    expect(file).toContain(made.oldAccount);
    expect(file).not.toContain(account);
    // The database refuses to rewrite the snapshot, whoever asks.
    await expect(
      sql(`update payout set paid_to_account_number = '0000000000' where reference = $1`, [made.exportedRef]),
    ).rejects.toThrow(/bank details it was exported with are kept/);
    // The audit row names the fields, not the account.
    const audit = await sql<{ summary: unknown }>(
      `select summary from audit_log where entity = 'owner' and summary->>'action' = 'edit'`,
    );
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(account);
    expect(JSON.stringify(audit)).not.toContain('5550101');
  });

  it(
    'refuses an e-mail another owner has (exit 5) and an unknown owner (exit 4)',
    async () => {
      const [other] = await sql<{ email: string }>(
        'select email from owner where email is not null and email <> $1 limit 1',
        [made.ownerEmail],
      );
      const clash = await crm(['owner', 'edit', made.ownerEmail, '--email', other.email.toUpperCase()]);
      expect(clash.code, clash.stderr).toBe(5);
      const missing = await crm(['owner', 'edit', 'nobody@example.ng', '--tax-type', 'exempt']);
      expect(missing.code, missing.stderr).toBe(4);
    },
    LONG,
  );

  it(
    'sets and clears opt-outs (--opt-out, --opt-in), audited with the channels; show has them',
    async () => {
      const [other] = await sql<{ id: string; email: string }>(
        'select id, email from owner where email is not null and email <> $1 order by email limit 1',
        [made.ownerEmail],
      );
      const out = jsonOf(await crm(['owner', 'edit', other.email, '--opt-out', 'sms,whatsapp', '--json']));
      expect(out.changed).toEqual(['optedOutSms', 'optedOutWhatsapp']);
      expect(out.owner.optedOut).toEqual({ sms: true, whatsapp: true, email: false });
      const shown = await crm(['owner', 'show', other.email]);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toMatch(/opted out\s+sms, whatsapp/);
      const back = await crm(['owner', 'edit', other.email, '--opt-in', 'sms']);
      expect(back.code, back.stderr).toBe(0);
      expect(back.stdout).toMatch(/changed optedOutSms/);
      expect(jsonOf(await crm(['owner', 'show', other.email, '--json'])).optedOut).toEqual({
        sms: false,
        whatsapp: true,
        email: false,
      });
      const audit = await sql<{ operator: string; summary: Record<string, unknown> }>(
        `select operator, summary from audit_log where entity = 'owner' and entity_id = $1
           and summary->>'action' = 'edit' order by id`,
        [other.id],
      );
      expect(audit).toEqual([
        {
          operator: 'ada',
          summary: {
            action: 'edit',
            changed: ['optedOutSms', 'optedOutWhatsapp'],
            optedOut: ['sms', 'whatsapp'],
          },
        },
        { operator: 'ada', summary: { action: 'edit', changed: ['optedOutSms'], optedIn: ['sms'] } },
      ]);
    },
    LONG,
  );
});

describe('hospital edit', () => {
  it(
    'corrects the name, city and manager e-mail; refuses a state that is not Nigerian and the code',
    async () => {
      const r = await crm([
        'hospital',
        'edit',
        made.hospital,
        '--city',
        'Ikeja',
        '--manager-email',
        'Service@Example.NG',
        '--json',
      ]);
      expect(jsonOf(r)).toMatchObject({
        hospital: { code: made.hospital, city: 'Ikeja', managerEmail: 'service@example.ng' },
        changed: ['city', 'managerEmail'],
      });
      const state = await crm(['hospital', 'edit', made.hospital, '--state', 'Atlantis']);
      expect(state.code, state.stderr).toBe(3);
      expect(state.stderr).toMatch(/state: not a Nigerian state/);
      const code = await crm(['hospital', 'edit', made.hospital, '--code', 'NEW-001']);
      expect(code.code, code.stderr).toBe(2);
      const audit = await sql<{ summary: { changed: string[] } }>(
        `select summary from audit_log where entity = 'hospital' and summary->>'action' = 'edit'`,
      );
      expect(audit.map((a) => a.summary.changed)).toEqual([['city', 'managerEmail']]);
    },
    LONG,
  );
});

describe('doctor edit', () => {
  it(
    'corrects name and department; refuses moving a doctor who has appointments',
    async () => {
      const moved = await crm(['doctor', 'edit', made.doctor, '--hospital', made.otherHospital]);
      expect(moved.code, moved.stderr).toBe(5);
      expect(moved.stderr).toMatch(/has \d+ appointment\(s\) at .*stays at their hospital/);
      const r = await crm([
        'doctor',
        'edit',
        made.doctor,
        '--name',
        'Dr. Ngozi Okafor',
        '--department',
        'Cardiology',
        '--json',
      ]);
      expect(jsonOf(r)).toMatchObject({
        doctor: {
          code: made.doctor,
          name: 'Dr. Ngozi Okafor',
          department: 'cardiology',
          hospital: made.hospital,
        },
        changed: ['name', 'department'],
      });
    },
    LONG,
  );
});

describe('doctor availability remove', () => {
  it(
    'removes a window without appointments; refuses one that holds a live appointment, and one that is not there',
    async () => {
      const held = await crm([
        'doctor',
        'availability',
        'remove',
        made.doctor,
        '--day',
        'mon',
        '--from',
        '08:00',
      ]);
      expect(held.code, held.stderr).toBe(5);
      expect(held.stderr).toMatch(/mon 08:00–18:00 holds 1 live appointment/);
      const missing = await crm([
        'doctor',
        'availability',
        'remove',
        made.doctor,
        '--day',
        'fri',
        '--from',
        '07:00',
      ]);
      expect(missing.code, missing.stderr).toBe(4);
      const r = await crm([
        'doctor',
        'availability',
        'remove',
        made.doctor,
        '--day',
        'Friday',
        '--from',
        '8:00',
        '--json',
      ]);
      const days = jsonOf(r).availability.map((w: { day: string }) => w.day);
      expect(days).toContain('mon');
      expect(days).not.toContain('fri');
      const audit = await sql(
        `select 1 from audit_log where entity = 'doctor' and summary->'availabilityRemoved' is not null`,
      );
      expect(audit).toHaveLength(1);
    },
    LONG,
  );
});

describe('doctor time-off remove', () => {
  it(
    'takes back days off to come; keeps past ones',
    async () => {
      const past = await crm(['doctor', 'time-off', 'remove', made.doctor, '--date', '2026-11-02']);
      expect(past.code, past.stderr).toBe(5);
      expect(past.stderr).toMatch(/2026-11-02 is past/);
      const r = await crm([
        'doctor',
        'time-off',
        'remove',
        made.doctor,
        '--date',
        '2027-02-01',
        '--to',
        '2027-02-02',
        '--json',
      ]);
      expect(jsonOf(r).timeOff.map((o: { date: string }) => o.date)).toEqual(['2026-11-02', '2027-02-03']);
      const none = await crm(['doctor', 'time-off', 'remove', made.doctor, '--date', '2027-02-01']);
      expect(none.code, none.stderr).toBe(4);
    },
    LONG,
  );
});

describe('patient edit', () => {
  it(
    'corrects details validated as patient add; refuses a bad date and an MRN another patient has',
    async () => {
      const bad = await crm(['patient', 'edit', made.keep, '--dob', '31/02/1990']);
      expect(bad.code, bad.stderr).toBe(3);
      expect(bad.stderr).toMatch(/^crm: error: date-of-birth: /);
      const [other] = await sql<{ id: string }>(`select id from patient where external_id = 'MRN-ERASE'`);
      expect(other).toBeDefined();
      const clash = await crm(['patient', 'edit', made.keep, '--external-id', 'MRN-ERASE']);
      expect(clash.code, clash.stderr).toBe(5);
      const r = await crm([
        'patient',
        'edit',
        made.keep,
        '--email',
        'Amaka@Example.NG',
        '--gender',
        'female',
        '--json',
      ]);
      const result = jsonOf(r);
      expect(result.patient).toMatchObject({
        id: made.keep,
        email: 'amaka@example.ng',
        gender: 'female',
        externalId: 'MRN-1',
      });
      expect(result.changed).toEqual(['email', 'gender']);
    },
    LONG,
  );
});

describe('patient merge', () => {
  it(
    'refuses two records with live appointments at the same time, and a patient merged with itself',
    async () => {
      const clash = await crm(['patient', 'merge', made.clashA, made.clashB, '--yes']);
      expect(clash.code, clash.stderr).toBe(5);
      expect(clash.stderr).toMatch(/overlaps/);
      const [both] = await sql<{ n: number }>(
        'select count(*)::int as n from patient where id = any($1::uuid[])',
        [[made.clashA, made.clashB]],
      );
      expect(both.n).toBe(2);
      const same = await crm(['patient', 'merge', made.keep, made.keep, '--yes']);
      expect(same.code, same.stderr).toBe(5);
    },
    LONG,
  );

  it(
    'refuses (exit 5) a duplicate with loyalty history, which a merge does not move yet, and changes nothing',
    async () => {
      const award = await crm(['loyalty', 'award', made.clashB, '--points', '10', '--reason', 'goodwill']);
      expect(award.code, award.stderr).toBe(0);
      const r = await crm(['patient', 'merge', made.clashA, made.clashB, '--yes']);
      expect(r.code, r.stderr).toBe(5);
      expect(r.stderr).toMatch(
        /^crm: error: cannot merge .* yet: the duplicate has loyalty_\w+(, loyalty_\w+)* rows/,
      );
      const [both] = await sql<{ n: number }>(
        'select count(*)::int as n from patient where id = any($1::uuid[])',
        [[made.clashA, made.clashB]],
      );
      expect(both.n).toBe(2);
    },
    LONG,
  );

  it(
    'moves every reference to the kept patient in one transaction and deletes the duplicate',
    async () => {
      const unconfirmed = await crm(['patient', 'merge', made.keep, made.duplicate]);
      expect(unconfirmed.code, unconfirmed.stderr).toBe(2);
      const r = await crm(['patient', 'merge', made.keep, made.duplicate, '--yes', '--json']);
      const result = jsonOf(r);
      expect(result).toMatchObject({
        merged: made.duplicate,
        moved: { appointment: 1, messages: 1, referrals: 1 },
        patient: { id: made.keep, optedOut: { sms: true } },
      });
      // Every column that names a patient: nothing names the duplicate any more.
      const refs = await sql<{ ref: string }>(
        `select c.conrelid::regclass::text || '.' || a.attname as ref
       from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any(c.conkey)
       where c.contype = 'f' and c.confrelid = 'patient'::regclass`,
      );
      // patient.referred_by is checked by a trigger (no foreign key): named here.
      expect(refs.length).toBeGreaterThanOrEqual(2);
      for (const { ref } of [...refs, { ref: 'patient.referred_by' }]) {
        const [table, column] = ref.split('.').slice(-2);
        const left = await sql<{ n: number }>(
          `select count(*)::int as n from ${table} where ${column} = $1`,
          [made.duplicate],
        );
        expect(left[0].n, ref).toBe(0);
      }
      expect(await sql('select 1 from patient where id = $1', [made.duplicate])).toHaveLength(0);
      const [referred] = await sql<{ referred_by: string }>('select referred_by from patient where id = $1', [
        made.referred,
      ]);
      expect(referred.referred_by).toBe(made.keep);
      const audit = await sql<{ summary: Record<string, unknown> }>(
        `select summary from audit_log where entity = 'patient' and summary->>'action' = 'merge'`,
      );
      expect(audit).toHaveLength(1);
      expect(JSON.stringify(audit)).not.toMatch(/Amaka|Obi|\+234/);
    },
    LONG,
  );
});

describe('patient erase', () => {
  it(
    'needs --yes; leaves no personal field, keeps appointments and the audit trail, and is final',
    async () => {
      const unconfirmed = await crm(['patient', 'erase', made.erase]);
      expect(unconfirmed.code, unconfirmed.stderr).toBe(2);
      const r = await crm(['patient', 'erase', made.erasePhone, '--yes', '--json']);
      expect(jsonOf(r)).toMatchObject({
        patient: {
          id: made.erase,
          firstName: 'Erased',
          lastName: 'Patient',
          phone: null,
          email: null,
          dateOfBirth: null,
          gender: null,
          address: null,
          externalId: null,
          optedOut: { sms: true, whatsapp: true, email: true },
        },
        messagesAnonymised: 1,
      });
      const [row] = await sql<Record<string, unknown>>('select * from patient where id = $1', [made.erase]);
      const text = JSON.stringify(row);
      for (const personal of [
        'Chidi',
        'Eze',
        'chidi@example.ng',
        '1980',
        'Allen',
        'MRN-ERASE',
        made.erasePhone,
      ])
        expect(text).not.toContain(personal);
      expect(row.erased_at).not.toBeNull();
      const messages = await sql<Record<string, unknown>>(
        'select recipient, body from messages where patient_id = $1',
        [made.erase],
      );
      expect(messages).toEqual([{ recipient: 'erased', body: '[erased]' }]);
      expect(await sql('select 1 from appointment where patient_id = $1', [made.erase])).toHaveLength(1);
      // The audit trail: every row about the patient is kept, and none holds the personal data.
      const audit = await sql<{ summary: unknown }>(
        `select summary from audit_log where entity = 'patient' and entity_id = $1`,
        [made.erase],
      );
      expect(audit.length).toBeGreaterThanOrEqual(2);
      for (const personal of ['Chidi', 'Eze', 'chidi@example.ng', made.erasePhone])
        expect(JSON.stringify(audit)).not.toContain(personal);
      // Final: no edit, no second erasure, and the database refuses personal data on the row.
      const edit = await crm(['patient', 'edit', made.erase, '--first-name', 'Chidi']);
      expect(edit.code, edit.stderr).toBe(5);
      await expect(
        sql(`update patient set phone = '+2348030000009' where id = $1`, [made.erase]),
      ).rejects.toThrow(/patient_erased/);
      await expect(sql('update patient set erased_at = null where id = $1', [made.erase])).rejects.toThrow(
        /erasure is final/,
      );
    },
    LONG,
  );
});

describe('transaction list, show and void', () => {
  it(
    'voids by a compensating row; refuses voiding it twice, voiding a void, and a void without a reason',
    async () => {
      const noReason = await crm(['transaction', 'void', 'TX-NOV-1', '--yes']);
      expect(noReason.code, noReason.stderr).toBe(2);
      const r = await crm([
        'transaction',
        'void',
        'TX-NOV-1',
        '--reason',
        'entered twice',
        '--yes',
        '--json',
      ]);
      expect(jsonOf(r)).toMatchObject({
        voided: { reference: 'TX-NOV-1', kind: 'payment', amountKobo: 30000, voidedBy: 'VOID-TX-NOV-1' },
        void: {
          reference: 'VOID-TX-NOV-1',
          kind: 'refund',
          amountKobo: 30000,
          voids: 'TX-NOV-1',
          voidReason: 'entered twice',
        },
        // November has no payouts: nothing to re-run.
        reruns: [],
      });
      const again = await crm(['transaction', 'void', 'TX-NOV-1', '--reason', 'again', '--yes']);
      expect(again.code, again.stderr).toBe(5);
      expect(again.stderr).toMatch(/already voided by VOID-TX-NOV-1/);
      // Piped: a header and the two rows, the original still there.
      const list = await crm(['transaction', 'list', '--hospital', made.hospital, '--period', '2026-11']);
      expect(list.code, list.stderr).toBe(0);
      const lines = list.stdout.trim().split('\n');
      expect(lines[0].split('\t')).toEqual(['reference', 'hospital', 'occurred', 'amount', 'kind', 'note']);
      expect(
        lines
          .slice(1)
          .map((l) => l.split('\t')[0])
          .sort(),
      ).toEqual(['TX-NOV-1', 'VOID-TX-NOV-1']);
      expect(lines.find((l) => l.startsWith('TX-NOV-1'))).toContain(
        '\t300.00\tpayment\tvoided by VOID-TX-NOV-1',
      );
      await expect(
        sql(`insert into hospital_transaction (reference, hospital_id, occurred_at, amount_kobo, kind, voids_id, void_reason)
           select 'VOID-2', hospital_id, occurred_at, amount_kobo, 'payment', id, 'x' from hospital_transaction
           where reference = 'VOID-TX-NOV-1'`),
      ).rejects.toThrow(/a void, it is not voided|is a void/);
    },
    LONG,
  );

  it(
    'in a period already exported, the void becomes an adjustment and the exported payout is unchanged',
    async () => {
      const [before] = await sql<{ status: string; net_kobo: string }>(
        'select status, net_kobo::text from payout where reference = $1',
        [made.exportedRef],
      );
      const r = await crm([
        'transaction',
        'void',
        'TX-SEP-1',
        '--reason',
        'belongs to another hospital',
        '--yes',
        '--json',
      ]);
      const result = jsonOf(r);
      expect(result.reruns).toHaveLength(1);
      expect(result.reruns[0].period).toBe('2026-09');
      // ₦5,000 of revenue at 70% was ₦3,500; without it the ₦1,000 guarantee is paid: −₦2,500.
      expect(result.reruns[0].adjustments).toEqual([{ reference: made.exportedRef, amountKobo: -250000 }]);
      const [after] = await sql<{ status: string; net_kobo: string }>(
        'select status, net_kobo::text from payout where reference = $1',
        [made.exportedRef],
      );
      expect(after).toEqual(before);
      const adjustments = await sql<{ amount_kobo: string }>(
        `select a.amount_kobo::text from payout_adjustment a join payout p on p.id = a.source_payout_id
       where p.reference = $1`,
        [made.exportedRef],
      );
      expect(adjustments).toEqual([{ amount_kobo: '-250000' }]);
      const show = await crm(['transaction', 'show', 'VOID-TX-SEP-1', '--json']);
      expect(jsonOf(show)).toMatchObject({ voids: 'TX-SEP-1', kind: 'refund', hospital: made.hospital });
    },
    LONG,
  );
});

describe('payout unapprove and reopen', () => {
  it(
    'unapproves before export (a new revision: approvals count again); refuses an exported payout',
    async () => {
      const exported = await crm(['payout', 'unapprove', made.exportedRef, '--yes']);
      expect(exported.code, exported.stderr).toBe(5);
      expect(exported.stderr).toMatch(/is exported: only an approved payout not yet exported/);
      const r = await crm(['payout', 'unapprove', made.approvedRef, '--yes', '--json']);
      expect(jsonOf(r)).toMatchObject({
        reference: made.approvedRef,
        status: 'calculated',
        was: 'approved',
        revision: 2,
      });
      const [row] = await sql<{ status: string; approved_at: unknown }>(
        'select status, approved_at from payout where reference = $1',
        [made.approvedRef],
      );
      expect(row).toEqual({ status: 'calculated', approved_at: null });
      // The earlier approval was for revision 1: the database counts none for revision 2.
      await expect(
        sql(`update payout set status = 'approved' where reference = $1`, [made.approvedRef]),
      ).rejects.toThrow(/needs 1 different approvers, has 0/);
      // Whoever asks, an exported payout does not go back.
      await expect(
        sql(`update payout set status = 'calculated', revision = revision + 1 where reference = $1`, [
          made.exportedRef,
        ]),
      ).rejects.toThrow(/its amounts are fixed|cannot become calculated/);
      const again = await crm(['payout', 'approve', made.approvedRef, '--yes', '--json'], 'bola');
      expect(jsonOf(again).payouts[0]).toMatchObject({ status: 'approved', approvals: 1 });
    },
    LONG,
  );

  it(
    'reopens a rejected payout, which the next run recalculates; refuses one that is not rejected',
    async () => {
      const notRejected = await crm(['payout', 'reopen', made.exportedRef, '--yes']);
      expect(notRejected.code, notRejected.stderr).toBe(5);
      const r = await crm(['payout', 'reopen', made.rejectedRef, '--yes', '--json']);
      expect(jsonOf(r)).toMatchObject({
        reference: made.rejectedRef,
        status: 'calculated',
        was: 'rejected',
        revision: 2,
      });
      const run = await crm(['payout', 'run', '--period', '2026-10', '--json']);
      const payout = jsonOf(run).payouts.find((p: { reference: string }) => p.reference === made.rejectedRef);
      expect(payout).toMatchObject({ status: 'calculated' });
      const [row] = await sql<{ status: string; rejection_reason: unknown }>(
        'select status, rejection_reason from payout where reference = $1',
        [made.rejectedRef],
      );
      expect(row).toEqual({ status: 'calculated', rejection_reason: null });
      const audit = await sql(
        `select 1 from audit_log where entity = 'payout' and summary->>'action' = 'reopen'`,
      );
      expect(audit).toHaveLength(1);
    },
    LONG,
  );
});
