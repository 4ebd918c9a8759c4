import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nubanCheckDigit, validateNuban } from '../../src/core/owners/nuban.js';

describe('validateNuban', () => {
  it('accepts the SPEC example: bank 058, account 0123456785', () => {
    // 000058 + 012345678 = 0 0 0 0 5 8 0 1 2 3 4 5 6 7 8
    // × 3 7 3 3 7 3 3 7 3 3 7 3 3 7 3
    // = 0+0+0+0+35+24+0+7+6+9+28+15+18+49+24 = 215; (10 − 215 mod 10) mod 10 = 5
    expect(validateNuban('058', '0123456785')).toEqual({ ok: true });
  });

  it('rejects a wrong check digit and names the bank', () => {
    expect(validateNuban('058', '0123456784')).toEqual({
      ok: false,
      reason: 'check digit does not match bank 058',
    });
    // the same digits are not valid for another bank either
    expect(validateNuban('044', '0123456785')).toEqual({
      ok: false,
      reason: 'check digit does not match bank 044',
    });
  });

  it.each(['012345678', '01234567850', '', '012345678X', ' 0123456785', '0123 56785'])(
    'rejects account number %j',
    (account) => {
      expect(validateNuban('058', account)).toEqual({
        ok: false,
        reason: 'account number must be 10 digits',
      });
    },
  );

  it.each(['58', '0058', '0000058', '', '05A', '05 8'])('rejects bank code %j', (bank) => {
    expect(validateNuban(bank, '0123456785')).toEqual({
      ok: false,
      reason: 'bank code must be 3, 5 or 6 digits',
    });
  });

  it('accepts a 5-digit bank code with the 9 prefix', () => {
    // 950211 + 123456789 = 9 5 0 2 1 1 1 2 3 4 5 6 7 8 9
    // → 27+35+0+6+7+3+3+14+9+12+35+18+21+56+27 = 273; (10 − 3) mod 10 = 7
    expect(validateNuban('50211', '1234567897')).toEqual({ ok: true });
    expect(validateNuban('50211', '1234567890').ok).toBe(false);
  });

  it('accepts a 6-digit institution code as it is', () => {
    // 090267 + 200000001 = 0 9 0 2 6 7 2 0 0 0 0 0 0 0 1
    // → 0+63+0+6+42+21+6+0+0+0+0+0+0+0+3 = 141; (10 − 1) mod 10 = 9
    expect(validateNuban('090267', '2000000019')).toEqual({ ok: true });
    // a 3-digit code and its 000-padded 6-digit form agree
    expect(validateNuban('000058', '0123456785')).toEqual({ ok: true });
  });

  it('for any bank code and 9 digits, exactly one 10th digit is valid', () => {
    const bankCode = fc.oneof(
      fc.stringMatching(/^\d{3}$/),
      fc.stringMatching(/^\d{5}$/),
      fc.stringMatching(/^\d{6}$/),
    );
    fc.assert(
      fc.property(bankCode, fc.stringMatching(/^\d{9}$/), (bank, serial) => {
        const valid = [...'0123456789'].filter((d) => validateNuban(bank, serial + d).ok);
        expect(valid).toEqual([String(nubanCheckDigit(bank, serial))]);
      }),
    );
  });
});
