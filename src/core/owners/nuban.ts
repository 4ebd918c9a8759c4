/**
 * NUBAN (Nigeria Uniform Bank Account Number) check-digit validation, CBN's revised standard
 * (2020). The institution code is brought to 6 digits (3-digit deposit-money-bank codes get `000`
 * in front, 5-digit other-institution codes get `9`; 6-digit codes are used as they are), the
 * first 9 account digits follow, and the 15 digits are weighted 3,7,3,3,7,3,…; the check digit
 * (the 10th account digit) is (10 − sum mod 10) mod 10.
 */

export type NubanResult = { ok: true } | { ok: false; reason: string };

const WEIGHTS = [3, 7, 3, 3, 7, 3, 3, 7, 3, 3, 7, 3, 3, 7, 3] as const;

/** The 6-digit institution code of a 3-, 5- or 6-digit bank code, or undefined. */
function institutionCode(bankCode: string): string | undefined {
  if (!/^\d+$/.test(bankCode)) return undefined;
  if (bankCode.length === 3) return `000${bankCode}`;
  if (bankCode.length === 5) return `9${bankCode}`;
  if (bankCode.length === 6) return bankCode;
  return undefined;
}

/**
 * The check digit for a bank code and the first 9 digits of an account number. Both must already
 * be valid (see `validateNuban`).
 */
export function nubanCheckDigit(bankCode: string, firstNineDigits: string): number {
  const institution = institutionCode(bankCode);
  if (institution === undefined || !/^\d{9}$/.test(firstNineDigits)) {
    throw new RangeError('nubanCheckDigit: bank code must be 3, 5 or 6 digits and the serial 9 digits');
  }
  const digits = institution + firstNineDigits;
  let sum = 0;
  for (let i = 0; i < WEIGHTS.length; i++) sum += Number(digits[i]) * WEIGHTS[i];
  return (10 - (sum % 10)) % 10;
}

/**
 * Checks a 10-digit NUBAN against its bank code. Inputs are taken as given (no trimming), so a
 * value that passes can be stored as it is.
 *
 * @example validateNuban('058', '0123456785') // { ok: true }
 */
export function validateNuban(bankCode: string, accountNumber: string): NubanResult {
  if (!/^\d{10}$/.test(accountNumber)) return { ok: false, reason: 'account number must be 10 digits' };
  if (institutionCode(bankCode) === undefined) {
    return { ok: false, reason: 'bank code must be 3, 5 or 6 digits' };
  }
  const expected = nubanCheckDigit(bankCode, accountNumber.slice(0, 9));
  if (Number(accountNumber[9]) !== expected) {
    return { ok: false, reason: `check digit does not match bank ${bankCode}` };
  }
  return { ok: true };
}
