/**
 * Money is NGN held as integer kobo in `bigint` (1 NGN = 100 kobo); never floating point.
 * Percentages are basis points (70% = 7000). Rounding is half-to-even to the kobo.
 */
import { ValidationError } from './errors.js';

export type Kobo = bigint;

const BASIS = 10_000n;

/** a × num ÷ den rounded half-to-even (banker's rounding); den must be positive. */
export function mulDivHalfEven(a: bigint, num: bigint, den: bigint): bigint {
  if (den <= 0n) throw new RangeError('mulDivHalfEven: denominator must be positive');
  const product = a * num;
  const negative = product < 0n;
  const abs = negative ? -product : product;
  let quotient = abs / den;
  const twiceRemainder = (abs % den) * 2n;
  if (twiceRemainder > den || (twiceRemainder === den && quotient % 2n === 1n)) quotient += 1n;
  return negative ? -quotient : quotient;
}

/** amount × basisPoints / 10,000, half-to-even. */
export function applyBasisPoints(amount: Kobo, basisPoints: bigint | number): Kobo {
  return mulDivHalfEven(amount, BigInt(basisPoints), BASIS);
}

/**
 * Splits `total` into a share at `basisPoints` and the rest; the two always add up to `total`
 * because the rest is computed by subtraction, never rounded on its own.
 */
export function splitByBasisPoints(total: Kobo, basisPoints: bigint | number): [share: Kobo, rest: Kobo] {
  const share = applyBasisPoints(total, basisPoints);
  return [share, total - share];
}

/**
 * Allocates `total` over integer `weights` proportionally (largest remainder): every part is
 * within one kobo of its exact share and the parts add up to `total`.
 */
export function allocate(total: Kobo, weights: readonly bigint[]): Kobo[] {
  const sum = weights.reduce((s, w) => s + w, 0n);
  if (weights.length === 0 || sum <= 0n || weights.some((w) => w < 0n)) {
    throw new RangeError('allocate: weights must be non-negative with a positive sum');
  }
  const sign = total < 0n ? -1n : 1n;
  const abs = total * sign;
  const parts = weights.map((w) => (abs * w) / sum);
  const remainders = weights.map((w, i) => ({ i, r: (abs * w) % sum }));
  let left = abs - parts.reduce((s, p) => s + p, 0n);
  remainders.sort((x, y) => (y.r > x.r ? 1 : y.r < x.r ? -1 : x.i - y.i));
  for (const { i } of remainders) {
    if (left === 0n) break;
    parts[i] += 1n;
    left -= 1n;
  }
  return parts.map((p) => p * sign);
}

/**
 * The largest amount of money `crm` takes as input: ₦1,000,000,000,000.00 (10^12 naira, 10^14
 * kobo) — per transaction, per guarantee, per any amount an operator or a file gives. It is far
 * above any real hospital payment or guarantee, and it keeps every sum and share `crm` computes
 * well inside PostgreSQL's bigint (≈ 9.2 × 10^18 kobo): a gross times a share in basis points
 * (10^14 × 10^4) cannot overflow. The database enforces the same bound with CHECK constraints
 * (migration 20261202110000), so no other writer can store more.
 */
export const MAX_AMOUNT_KOBO: Kobo = 10n ** 14n;

/** Why an amount above MAX_AMOUNT_KOBO is refused, for messages and errors files. */
export const TOO_LARGE = `is more than ${formatNaira(MAX_AMOUNT_KOBO)}, the largest amount crm accepts`;

const AMOUNT_PATTERN = /^(-)?(?:₦|NGN|N)?\s*(-)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/i;

/**
 * Parses naira as operators and bank files write it: `1234567.5`, `1,234,567.50`,
 * `₦1,234,567.50`, `NGN 1234567.50`. More than two decimals is an error, not a rounding.
 */
export function parseNaira(input: string, field = 'amount', { allowNegative = false } = {}): Kobo {
  const text = input.trim().replace(/\u00a0/g, ' ');
  const m = AMOUNT_PATTERN.exec(text);
  if (!m)
    throw new ValidationError(field, input, 'not an amount in naira (e.g. 1234567.50 or ₦1,234,567.50)');
  const negative = Boolean(m[1] || m[2]);
  if (negative && !allowNegative) throw new ValidationError(field, input, 'must not be negative');
  const whole = BigInt(m[3].replace(/,/g, ''));
  const fraction = BigInt((m[4] ?? '').padEnd(2, '0'));
  const kobo = whole * 100n + fraction;
  if (kobo > MAX_AMOUNT_KOBO) throw new ValidationError(field, input, TOO_LARGE);
  return negative ? -kobo : kobo;
}

/** Parses a percentage (`70`, `70%`, `12.5`) into basis points; at most two decimals. */
export function parsePercentToBasisPoints(input: string, field = 'share'): number {
  const m = /^\s*(\d{1,3})(?:\.(\d{1,2}))?\s*%?\s*$/.exec(input);
  if (!m) throw new ValidationError(field, input, 'not a percentage (e.g. 70 or 12.5)');
  const bps = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  if (bps > 10_000) throw new ValidationError(field, input, 'must be between 0 and 100');
  return bps;
}

/** `₦1,234,567.50`; negative amounts as `-₦1,234.50`. */
export function formatNaira(kobo: Kobo): string {
  const negative = kobo < 0n;
  const abs = negative ? -kobo : kobo;
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}₦${whole}.${fraction}`;
}

/** Plain decimal naira for machine files (bank CSVs): `1234567.50`. */
export function formatNairaPlain(kobo: Kobo): string {
  const negative = kobo < 0n;
  const abs = negative ? -kobo : kobo;
  return `${negative ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** Kobo as a JSON number; refuses amounts beyond 2^53 rather than losing precision. */
export function koboToJson(kobo: Kobo): number {
  if (kobo > BigInt(Number.MAX_SAFE_INTEGER) || kobo < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`amount ${kobo} kobo is too large for JSON numbers`);
  }
  return Number(kobo);
}
