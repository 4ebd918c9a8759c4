import { describe, expect, it } from 'vitest';
import { maskEmail, maskPhone, maskText, redactCommandLine } from '../../src/core/audit/redact.js';

const line = (...args: string[]) => redactCommandLine(args);

describe('redactCommandLine: secrets, whatever their syntax', () => {
  it.each([
    [
      ['--database-url', 'postgres://crm:S3cretPw@db:5432/crm', 'hospital', 'list'],
      'crm --database-url *** hospital list',
    ],
    [
      ['--database-url=postgres://crm:S3cretPw@db:5432/crm', 'hospital', 'list'],
      'crm --database-url=*** hospital list',
    ],
    [['x', '--password', 'hunter2'], 'crm x --password ***'],
    [['x', '--password=hunter2'], 'crm x --password=***'],
    [['x', '--token=abc123'], 'crm x --token=***'],
    [['x', '--api-key', 'k-123'], 'crm x --api-key ***'],
    [['x', '--auth-token', 'k-123'], 'crm x --auth-token ***'],
    [['x', '--auth-token=k-123'], 'crm x --auth-token=***'],
  ])('%j → %s', (args, expected) => {
    expect(redactCommandLine(args)).toBe(expected);
  });

  it.each([
    ['postgres://crm:S3cretPw@db:5432/crm', 'postgres://crm:***@db:5432/crm'],
    ['postgres://crm:p@ss:w0rd@db:5432/crm', 'postgres://crm:***@db:5432/crm'],
    ['postgresql://crm:p%40ss%3Aw0rd@db/crm', 'postgresql://crm:***@db/crm'],
    ['postgres://crm:pa/ss@db/crm?sslmode=require', 'postgres://crm:***@db/crm?sslmode=require'],
    ['https://ghtoken@example.com/x', 'https://***@example.com/x'],
    ['postgres://db/crm?password=S3cret&sslmode=require', 'postgres://db/crm?password=***&sslmode=require'],
  ])('a URL anywhere: %s', (url, expected) => {
    // Quoted for the shell where needed (`?`, `&`, blanks).
    expect(line('x', url).replace(/'/g, '')).toBe(`crm x ${expected}`);
    expect(line('x', '--notes', `see ${url} now`)).toBe(`crm x --notes 'see ${expected} now'`);
    expect(maskText(`at ${url}: refused`)).toBe(`at ${expected}: refused`);
  });

  it.each([
    ['SK0123456789abcdef0123456789abcdef'],
    ['AC0123456789abcdef0123456789abcdef'],
    ['0123456789abcdef0123456789abcdef'],
    ['SG.abcdefghijklmnop.qrstuvwxyz0123456789'],
  ])('a provider key shape anywhere: %s', (key) => {
    expect(line('x', `--body=key ${key} here`)).not.toContain(key.slice(3));
    expect(maskText(`key ${key} here`)).toBe('key *** here');
  });

  it('key=value secrets and Authorization headers in text', () => {
    expect(maskText('host=db password=S3cret user=crm')).toBe('host=db password=*** user=crm');
    expect(maskText('{"api_key":"S3cret"}')).toBe('{"api_key":***}');
    expect(maskText('Authorization: Bearer abcdef123456')).not.toContain('abcdef123456');
    expect(maskText("error: unknown option '--password=hunter2'")).toBe(
      "error: unknown option '--password=***'",
    );
  });
});

describe('redactCommandLine: personal data becomes a placeholder', () => {
  it('flags, in both forms', () => {
    expect(
      line(
        'patient',
        'add',
        '--first-name',
        'Ada',
        '--last-name=Obi',
        '--phone',
        '0803 123 4567',
        '--email=ada@example.ng',
        '--dob',
        '17/05/1990',
        '--address',
        '12 Marina, Lagos',
        '--external-id',
        'MRN-7',
        '--hospital',
        'LAG-001',
      ),
    ).toBe(
      'crm patient add --first-name [name] --last-name=[name] --phone [phone] --email=[email] --dob [dob] --address [address] --external-id [mrn] --hospital LAG-001',
    );
    expect(line('owner', 'add', '--name', 'Chief Obi', '--account-number', '0123456785')).toBe(
      'crm owner add --name [name] --account-number [account-number]',
    );
    expect(line('patient', 'add', '--date-of-birth=1990-05-17')).toBe(
      'crm patient add --date-of-birth=[dob]',
    );
  });

  it.each([
    '08031234567',
    '+2348031234567',
    '2348031234567',
    '0803 123 4567',
    '0803-123-4567',
    '+234 (0) 803 123 4567',
    '00234 803 123 4567',
    '803 123 4567',
    '+44 20 7946 0958',
  ])('a phone in any spelling, wherever it is: %s', (phone) => {
    expect(line('patient', 'opt-out', phone, '--channel', 'sms')).toBe(
      'crm patient opt-out [phone] --channel sms',
    );
    expect(line('appointment', 'schedule', `--patient=${phone}`)).toBe(
      'crm appointment schedule --patient=[phone]',
    );
    expect(line('owner', 'log', 'x', '--summary', `called ${phone}.`)).toContain("'called [phone].'");
  });

  it('person references as positional arguments; ids, codes and dates stay', () => {
    expect(line('patient', 'show', 'MRN-0042')).toBe('crm patient show [patient]');
    expect(line('owner', 'log', 'Chief Ada Obi', '--subject', 'x')).toBe('crm owner log [owner] --subject x');
    expect(line('owner', 'show', 'bayo@example.ng')).toBe('crm owner show [email]');
    const id = '3f2a1b4c-1234-5678-9abc-def012345678';
    expect(line('patient', 'show', id)).toBe(`crm patient show ${id}`);
    expect(line('payout', 'approve', 'CT-2026-0001-2026-10', '01234567-8901-2345-6789-0123456789ab')).toBe(
      'crm payout approve CT-2026-0001-2026-10 01234567-8901-2345-6789-0123456789ab',
    );
    expect(line('--json', 'contract', 'create', '--guarantee', '5000000', '--start', '2026-01-01')).toBe(
      'crm --json contract create --guarantee 5000000 --start 2026-01-01',
    );
  });

  it('several numbers side by side are each masked', () => {
    expect(maskText('to 08031234567 0805 111 2222/+2349091112222')).toBe(
      'to +234803***4567 +234805***2222/+234909***2222',
    );
  });
});

describe('maskText: phones and e-mails as operators see them', () => {
  it('masks the number in the SPEC form, whatever its spelling', () => {
    for (const phone of ['+2348031234567', '08031234567', '0803 123 4567', '+234 (0) 803-123-4567'])
      expect(maskText(`patient not found: ${phone}`)).toBe('patient not found: +234803***4567');
    expect(maskText("The 'To' number +2348031234567 is not a valid phone number.")).toBe(
      "The 'To' number +234803***4567 is not a valid phone number.",
    );
  });

  it('masks e-mails, and leaves codes, references, dates and amounts alone', () => {
    expect(maskText('owner not found: ada.obi@example.ng')).toBe('owner not found: a***@example.ng');
    const plain =
      'payout CT-2026-0001-2026-10 of 2026-10-01: ₦25,000,000.00 (2500000000 kobo), LAG-001, 127.0.0.1:5432';
    expect(maskText(plain)).toBe(plain);
  });

  it('maskPhone and maskEmail', () => {
    expect(maskPhone('+2348031234567')).toBe('+234803***4567');
    expect(maskEmail('ada.obi@example.ng')).toBe('a***@example.ng');
  });
});
