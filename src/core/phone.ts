/**
 * Phone numbers are stored in E.164. Nigerian input comes in many shapes (`08031234567`,
 * `2348031234567`, `+234 803 123 4567`, `0803-123-4567`, `+234(0)8031234567`); libphonenumber-js
 * with full metadata (`/max`, needed for real validity and type checks) decides what is valid.
 */
import { parsePhoneNumberFromString, validatePhoneNumberLength } from 'libphonenumber-js/max';

export type PhoneResult = { ok: true; e164: string } | { ok: false; reason: string };

const SEPARATORS = /[\s\-.()/\u00a0]/g;
const ACCEPTED_TYPES = new Set(['MOBILE', 'FIXED_LINE', 'FIXED_LINE_OR_MOBILE']);

/** Brings the written forms to something libphonenumber reads: `+234…`, or a national number. */
function canonicalise(input: string): string {
  let s = input.trim();
  // "+234 (0) 803…": the trunk zero written after the country code.
  s = s.replace(/^(\+?234)\s*\(0\)/, '$1');
  s = s.replace(SEPARATORS, '');
  if (s.startsWith('00')) s = `+${s.slice(2)}`;
  // 2348031234567 without the plus: a country code, not a national number.
  if (/^234\d{10}$/.test(s)) s = `+${s}`;
  if (/^\+2340\d{10}$/.test(s)) s = `+234${s.slice(5)}`;
  // 08031234567: the national form with its trunk zero.
  if (/^0\d{10}$/.test(s)) s = `+234${s.slice(1)}`;
  return s;
}

/**
 * Memo of verdicts for 10-digit Nigerian numbers, keyed by `+234` and the first six national
 * digits. NG's numbering plan (as in libphonenumber's metadata) decides validity and type from a
 * number's leading digits and its length alone, so every number sharing those is judged alike;
 * tests/unit/phone.test.ts checks this against uncached libphonenumber over random numbers.
 * Bulk imports check millions of numbers and libphonenumber's regexes are their hot spot
 * (BENCHMARKS.md has the numbers).
 */
const nigerianPrefixVerdicts = new Map<string, PhoneResult>();
const NIGERIAN_10_DIGITS = /^\+234\d{10}$/;

/**
 * Two shapes that spreadsheets and hand entry produce, named in the reason so that the operator
 * knows what to fix: a number a spreadsheet showed in scientific notation (2.34803E+12 — the
 * digits after the fifth are gone) and a cell holding several numbers.
 */
const SCIENTIFIC = /^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$/;
const SCIENTIFIC_REASON =
  'in scientific notation (a spreadsheet shortened it and its last digits are lost): format the column as text and export again';
const SEVERAL_REASON = 'holds more than one phone number: keep one per cell';
const holdsSeveralNumbers = (raw: string) => (raw.match(/\d{7,}/g)?.length ?? 0) > 1;

export function normalizePhone(input: string): PhoneResult {
  const raw = input.trim();
  if (raw === '') return { ok: false, reason: 'empty' };
  const s = canonicalise(raw);
  if (!/^\+?\d+$/.test(s))
    return {
      ok: false,
      reason: SCIENTIFIC.test(raw) ? SCIENTIFIC_REASON : 'contains characters that are not digits',
    };
  if (!NIGERIAN_10_DIGITS.test(s)) {
    const verdict = judge(s);
    return verdict.ok || !holdsSeveralNumbers(raw) ? verdict : { ok: false, reason: SEVERAL_REASON };
  }
  const key = s.slice(0, 10);
  let verdict = nigerianPrefixVerdicts.get(key);
  if (!verdict) {
    verdict = judge(s);
    nigerianPrefixVerdicts.set(key, verdict);
  }
  return verdict.ok ? { ok: true, e164: s } : verdict;
}

/** libphonenumber's verdict on one canonical number, without the memo (exported for tests). */
export function judge(s: string, defaultCountry: 'NG' = 'NG'): PhoneResult {
  const parsed = parsePhoneNumberFromString(s, defaultCountry);
  if (!parsed) {
    const length = validatePhoneNumberLength(s, defaultCountry);
    return { ok: false, reason: length ? describeLength(length) : 'not a phone number' };
  }
  if (!parsed.isValid()) {
    const length = validatePhoneNumberLength(s, defaultCountry);
    if (length) return { ok: false, reason: describeLength(length) };
    return {
      ok: false,
      reason: `not a valid ${parsed.country === 'NG' || !parsed.country ? 'Nigerian' : parsed.country} number`,
    };
  }
  const type = parsed.getType();
  if (type && !ACCEPTED_TYPES.has(type)) {
    return {
      ok: false,
      reason: `not a mobile or fixed-line number (${type.toLowerCase().replace(/_/g, ' ')})`,
    };
  }
  return { ok: true, e164: parsed.number };
}

function describeLength(code: string): string {
  switch (code) {
    case 'TOO_SHORT':
      return 'too short';
    case 'TOO_LONG':
      return 'too long';
    case 'INVALID_COUNTRY':
      return 'unknown country code';
    case 'NOT_A_NUMBER':
      return 'not a phone number';
    default:
      return 'invalid length';
  }
}

// The maskers live with the rest of the redaction, which must load without libphonenumber.
export { maskEmail, maskPhone } from './audit/redact.js';
