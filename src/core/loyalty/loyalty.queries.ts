import type { EntityManager } from '@mikro-orm/postgresql';
import type { ServiceContext } from '../context.js';
import { isoTimestamp } from '../db/values.js';
import { hospitalRepository } from '../hospitals/hospital.repository.js';
import { patientRepository } from '../patients/patient.repository.js';
import type { LedgerKind, Tier } from './loyalty.entity.js';
import { loyaltyAccountRepository } from './loyalty.repository.js';
import { liability, nextExpiry, recentEntries } from './loyalty.sql.js';
import { nextTier } from './tiers.js';

/** A patient's loyalty standing: `patient show`'s `loyalty` object and the head of `loyalty show`. */
export interface LoyaltySummary {
  balance: number;
  lifetimePoints: number;
  tier: Tier;
  /** The next tier up, and the lifetime points still needed for it (null at Platinum). */
  nextTier: Tier | null;
  pointsToNextTier: number | null;
  /** The earliest expiry: its date (YYYY-MM-DD) and how many points expire then. */
  nextExpiry: { date: string; points: number } | null;
}

export interface LoyaltyHistoryEntry {
  at: string;
  kind: LedgerKind;
  points: number;
  reason: string;
  sourceKey: string;
  shortfall: number;
}

export interface LoyaltyShowView extends LoyaltySummary {
  patient: string;
  name: string;
  history: LoyaltyHistoryEntry[];
}

export async function loyaltySummary(
  em: EntityManager,
  patientId: string,
  months: number,
): Promise<LoyaltySummary> {
  const account = await loyaltyAccountRepository(em).ofPatient(patientId);
  const lifetimePoints = Number(account.lifetimePoints);
  const next = nextTier(account.tier, lifetimePoints);
  return {
    balance: Number(account.balance),
    lifetimePoints,
    tier: account.tier,
    nextTier: next?.tier ?? null,
    pointsToNextTier: next?.pointsNeeded ?? null,
    nextExpiry: await nextExpiry(em, patientId, months),
  };
}

/** `loyalty show PATIENT`: the standing and the latest `limit` ledger entries (default 10). */
export async function showLoyalty(ctx: ServiceContext, ref: string, limit = 10): Promise<LoyaltyShowView> {
  const patient = await patientRepository(ctx.em).getByRef(ref);
  const summary = await loyaltySummary(ctx.em, patient.id, ctx.config.loyalty.expiryMonths);
  const entries = await recentEntries(ctx.em, patient.id, limit);
  return {
    patient: patient.id,
    name: `${patient.firstName} ${patient.lastName}`,
    ...summary,
    history: entries.map((e) => ({
      at: isoTimestamp(e.created_at),
      kind: e.kind,
      points: Number(e.points),
      reason: e.reason,
      sourceKey: e.source_key,
      shortfall: Number(e.shortfall),
    })),
  };
}

export interface LiabilityView {
  hospital: string | null;
  asOf: string;
  patients: number;
  pointsOutstanding: number;
  pointValueKobo: number;
  valueKobo: number;
  expiring: { withinDays: number; points: number; valueKobo: number }[];
}

/**
 * `loyalty liability [--hospital]`: the points outstanding and their value at the configured
 * rate (CRM_LOYALTY_POINT_VALUE_KOBO), and how many expire within 30, 60 and 90 days (each
 * includes the nearer ones; points already due and not yet expired by a run count in all three).
 */
export async function loyaltyLiability(
  ctx: ServiceContext,
  input: { hospital?: string },
): Promise<LiabilityView> {
  const { expiryMonths, pointValueKobo } = ctx.config.loyalty;
  const now = ctx.clock.now();
  const hospital = input.hospital ? await hospitalRepository(ctx.em).getByRef(input.hospital) : undefined;
  const horizons = [30, 60, 90] as const;
  const earnedBy = horizons.map((d) => now.plus({ days: d }).minus({ months: expiryMonths }).toJSDate()) as [
    Date,
    Date,
    Date,
  ];
  const row = await liability(ctx.em, earnedBy, hospital?.id);
  const points = Number(row.points);
  const within = [Number(row.within30), Number(row.within60), Number(row.within90)];
  return {
    hospital: hospital?.code ?? null,
    asOf: isoTimestamp(now.toJSDate()),
    patients: Number(row.patients),
    pointsOutstanding: points,
    pointValueKobo,
    valueKobo: points * pointValueKobo,
    expiring: horizons.map((d, i) => ({
      withinDays: d,
      points: within[i],
      valueKobo: within[i] * pointValueKobo,
    })),
  };
}
