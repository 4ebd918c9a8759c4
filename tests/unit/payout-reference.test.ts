import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nubanCheckDigit, validateNuban } from '../../src/core/owners/nuban.js';
import { calculatePayout, type PayoutInput } from '../../src/core/payouts/payout.calculator.js';

/**
 * Independent references, written without the code under test's helpers (money.ts): the
 * calculator's share, prorated guarantee and tax, and NUBAN's check digit, recomputed here from
 * their definitions and compared on random inputs. The identity tests in payout.calculator.test.ts
 * (share + platform = gross, …) hold by construction; these catch a wrong rounding or formula.
 */

/** floor(p / q) for q > 0, any sign of p (BigInt division truncates toward zero). */
function floorDiv(p: bigint, q: bigint): bigint {
  const t = p / q;
  return p % q !== 0n && p < 0n ? t - 1n : t;
}

/**
 * p / q rounded half-to-even, q > 0: the two integers around p/q, the nearer one; on an exact tie
 * the even one. Distances are compared as integers (|p − c·q|), so nothing is lost.
 */
function roundHalfEven(p: bigint, q: bigint): bigint {
  const lo = floorDiv(p, q);
  const hi = lo + 1n;
  const dLo = p - lo * q; // 0 ≤ dLo < q
  const dHi = hi * q - p;
  if (dLo < dHi) return lo;
  if (dHi < dLo) return hi;
  return lo % 2n === 0n ? lo : hi;
}

function reference(input: PayoutInput) {
  const share =
    input.grossRevenueKobo > 0n
      ? roundHalfEven(input.grossRevenueKobo * BigInt(input.shareBasisPoints), 10_000n)
      : 0n;
  const guarantee = roundHalfEven(input.guaranteeKobo * BigInt(input.activeDays), BigInt(input.periodDays));
  const payout = share > guarantee ? share : guarantee;
  const tax = roundHalfEven(payout * BigInt(input.taxBasisPoints), 10_000n);
  return { share, guarantee, payout, tax, net: payout - tax };
}

const inputs = fc
  .record({
    grossRevenueKobo: fc.oneof(
      fc.bigInt({ min: -(10n ** 13n), max: 10n ** 13n }),
      // amounts ending in 50 kobo-hundredths make exact ties at many shares
      fc.bigInt({ min: 0n, max: 10n ** 9n }).map((n) => n * 100n + 50n),
    ),
    shareBasisPoints: fc.integer({ min: 0, max: 10_000 }),
    guaranteeKobo: fc.bigInt({ min: 0n, max: 10n ** 12n }),
    periodDays: fc.integer({ min: 1, max: 92 }),
    activeDays: fc.integer({ min: 0, max: 92 }),
    taxBasisPoints: fc.integer({ min: 0, max: 10_000 }),
  })
  .map(
    (r): PayoutInput => ({
      ...r,
      activeDays: Math.min(r.activeDays, r.periodDays),
      periodLastDay: '2026-12-31',
      paymentTermsDays: 30,
    }),
  );

describe('payout calculator against an independent BigInt half-to-even reference', () => {
  it('the reference rounds as defined (hand-checked ties and signs)', () => {
    expect(roundHalfEven(5n, 2n)).toBe(2n); // 2.5 → 2
    expect(roundHalfEven(7n, 2n)).toBe(4n); // 3.5 → 4
    expect(roundHalfEven(-5n, 2n)).toBe(-2n); // −2.5 → −2
    expect(roundHalfEven(-7n, 2n)).toBe(-4n); // −3.5 → −4
    expect(roundHalfEven(10n, 3n)).toBe(3n); // 3.33 → 3
    expect(roundHalfEven(20n, 3n)).toBe(7n); // 6.67 → 7
    expect(roundHalfEven(-20n, 3n)).toBe(-7n);
  });

  it('share, prorated guarantee, payout, tax and net equal the reference', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const r = calculatePayout(input);
        const want = reference(input);
        expect({
          share: r.ownerShareKobo,
          guarantee: r.guaranteeKobo,
          payout: r.payoutKobo,
          tax: r.taxKobo,
          net: r.netKobo,
        }).toEqual(want);
      }),
      { numRuns: 2000 },
    );
  });

  it('hand-computed ties: 70% of ₦0.05, ₦1,000,000 over 31 days for 15, 7.5% tax of 2 kobo', () => {
    // 5 kobo × 0.7 = 3.5 → 4 (even); 15 kobo × 0.7 = 10.5 → 10 (even)
    expect(calculatePayout({ ...base, grossRevenueKobo: 5n, shareBasisPoints: 7000 }).ownerShareKobo).toBe(
      4n,
    );
    expect(calculatePayout({ ...base, grossRevenueKobo: 15n, shareBasisPoints: 7000 }).ownerShareKobo).toBe(
      10n,
    );
    // 100,000,000 × 15 / 31 = 48,387,096.77… → 48,387,097
    expect(
      calculatePayout({ ...base, guaranteeKobo: 100_000_000n, activeDays: 15, periodDays: 31 }).guaranteeKobo,
    ).toBe(48_387_097n);
    // 10 kobo guarantee × 1/4 = 2.5 → 2; × 3/4 = 7.5 → 8
    expect(calculatePayout({ ...base, guaranteeKobo: 10n, activeDays: 1, periodDays: 4 }).guaranteeKobo).toBe(
      2n,
    );
    expect(calculatePayout({ ...base, guaranteeKobo: 10n, activeDays: 3, periodDays: 4 }).guaranteeKobo).toBe(
      8n,
    );
    // tax 5% of 10 kobo = 0.5 → 0; of 30 kobo = 1.5 → 2
    expect(calculatePayout({ ...base, guaranteeKobo: 10n, taxBasisPoints: 500 }).taxKobo).toBe(0n);
    expect(calculatePayout({ ...base, guaranteeKobo: 30n, taxBasisPoints: 500 }).taxKobo).toBe(2n);
  });
});

const base: PayoutInput = {
  grossRevenueKobo: 0n,
  shareBasisPoints: 0,
  guaranteeKobo: 0n,
  activeDays: 30,
  periodDays: 30,
  taxBasisPoints: 0,
  periodLastDay: '2026-11-30',
  paymentTermsDays: 30,
};

/**
 * NUBAN from CBN's description, written differently from nuban.ts: the 6-digit institution code
 * is built by left-padding (3 digits: "000"; 5 digits: "9"), the weights repeat the pattern 3, 7, 3
 * by position, and the check digit is the one that makes the weighted sum a multiple of 10.
 */
function referenceCheckDigit(bank: string, serial: string): number {
  const institution = bank.length === 3 ? bank.padStart(6, '0') : bank.length === 5 ? `9${bank}` : bank;
  const digits = `${institution}${serial}`.split('').map(Number);
  const sum = digits.reduce((s, d, i) => s + d * (i % 3 === 1 ? 7 : 3), 0);
  for (let c = 0; c <= 9; c++) if ((sum + c) % 10 === 0) return c;
  throw new Error('unreachable');
}

describe('NUBAN against an independent reference', () => {
  const bankCode = fc.oneof(
    fc.stringMatching(/^\d{3}$/),
    fc.stringMatching(/^\d{5}$/),
    fc.stringMatching(/^\d{6}$/),
  );

  it('the check digit equals the reference for any bank code and serial', () => {
    fc.assert(
      fc.property(bankCode, fc.stringMatching(/^\d{9}$/), (bank, serial) => {
        expect(nubanCheckDigit(bank, serial)).toBe(referenceCheckDigit(bank, serial));
      }),
      { numRuns: 2000 },
    );
  });

  it('an account is accepted exactly when its 10th digit is the reference digit', () => {
    fc.assert(
      fc.property(bankCode, fc.stringMatching(/^\d{10}$/), (bank, account) => {
        const ok = Number(account[9]) === referenceCheckDigit(bank, account.slice(0, 9));
        expect(validateNuban(bank, account).ok).toBe(ok);
      }),
      { numRuns: 2000 },
    );
  });
});
