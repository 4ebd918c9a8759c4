import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judge, maskEmail, maskPhone, normalizePhone } from '../../src/core/phone.js';

describe('normalizePhone', () => {
  it.each([
    '08031234567',
    '2348031234567',
    '+2348031234567',
    '+234 803 123 4567',
    '0803-123-4567',
    '+234(0)8031234567',
    '+234 (0) 803 123 4567',
    '002348031234567',
    '0803.123.4567',
    ' 0803 123 4567 ',
  ])('%j → +2348031234567', (input) => {
    expect(normalizePhone(input)).toEqual({ ok: true, e164: '+2348031234567' });
  });

  it('accepts other Nigerian mobile ranges and foreign numbers in international form', () => {
    expect(normalizePhone('07061234567')).toEqual({ ok: true, e164: '+2347061234567' });
    expect(normalizePhone('09023456789')).toEqual({ ok: true, e164: '+2349023456789' });
    expect(normalizePhone('+44 7911 123456')).toEqual({ ok: true, e164: '+447911123456' });
  });

  it.each([
    ['0803123', 'too short'],
    ['', 'empty'],
    ['0803 CALL ME', 'contains characters that are not digits'],
    ['08031234567890', 'not a valid Nigerian number'],
    [
      '2.34803E+12',
      'in scientific notation (a spreadsheet shortened it and its last digits are lost): format the column as text and export again',
    ],
    ['8.03123e9', expect.stringMatching(/^in scientific notation/)],
    ['08031234567/08021234567', 'holds more than one phone number: keep one per cell'],
    ['0803 123 4567, 0802 123 4567', 'contains characters that are not digits'],
    ['08031234567 08021234567', 'holds more than one phone number: keep one per cell'],
  ])('rejects %j: %s', (input, reason) => {
    expect(normalizePhone(input)).toEqual({ ok: false, reason });
  });

  it('the prefix memo agrees with libphonenumber on every 10-digit Nigerian number', () => {
    fc.assert(
      // Several numbers per six-digit prefix, so that most verdicts come from the memo.
      fc.property(
        fc.stringMatching(/^[0-9]{6}$/),
        fc.array(fc.stringMatching(/^[0-9]{4}$/), { minLength: 2, maxLength: 6 }),
        (prefix, suffixes) => {
          for (const suffix of suffixes) {
            const number = `+234${prefix}${suffix}`;
            const direct = judge(number);
            const memo = normalizePhone(number);
            expect(memo.ok).toBe(direct.ok);
            if (direct.ok && memo.ok) expect(memo.e164).toBe(direct.e164);
          }
        },
      ),
      { numRuns: 5_000 },
    );
  });
});

describe('masking', () => {
  it('hides the middle of phones and the local part of e-mails', () => {
    expect(maskPhone('+2348031234567')).toBe('+234803***4567');
    expect(maskEmail('ada.obi@example.ng')).toBe('a***@example.ng');
  });
});
