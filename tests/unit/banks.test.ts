import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { CBN_BANKS, requireKnownBank } from '../../src/core/owners/banks.js';
import { nubanCheckDigit } from '../../src/core/owners/nuban.js';

describe('CBN bank codes', () => {
  it('names a listed bank', () => {
    expect(requireKnownBank('058')).toBe('Guaranty Trust Bank');
    expect(requireKnownBank('100004')).toBe('OPay');
  });

  it('an unknown code is exit 3 naming the field and the code', () => {
    const error = (() => {
      try {
        requireKnownBank('999');
      } catch (e) {
        return e;
      }
    })() as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.exitCode).toBe(3);
    expect(error.message).toMatch(/^bank-code: not a CBN bank code .*\(got "?999"?\)/);
  });

  it('every listed code is one NUBAN can check (3, 5 or 6 digits)', () => {
    for (const code of Object.keys(CBN_BANKS))
      expect(() => nubanCheckDigit(code, '123456789'), code).not.toThrow();
  });
});
