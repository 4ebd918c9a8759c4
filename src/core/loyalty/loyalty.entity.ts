import type { InferEntity } from '@mikro-orm/core';
import { mikroCore } from '../db/mikro-orm.js';
import { LoyaltyAccountRepository, LoyaltyRewardRepository } from './loyalty.repository.js';

const { defineEntity } = mikroCore;

export const TIERS = ['bronze', 'silver', 'gold', 'platinum'] as const;
export type Tier = (typeof TIERS)[number];
export const LEDGER_KINDS = ['earn', 'redeem', 'expire', 'adjust', 'reversal'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/**
 * A patient's points account (table `loyalty_account`): balance, lifetime earned points and tier.
 * Kept by the ledger's insert trigger only (migrations/Migration20261203110000_loyalty.ts):
 * code reads and locks it, never writes its figures.
 */
export const LoyaltyAccount = defineEntity({
  name: 'LoyaltyAccount',
  tableName: 'loyalty_account',
  repository: () => LoyaltyAccountRepository,
  properties: (p) => ({
    patientId: p.uuid().primary(),
    balance: p.bigint('number').default(0),
    lifetimePoints: p.bigint('number').default(0),
    tier: p.text().$type<Tier>().default('bronze'),
    updatedAt: p.datetime().defaultRaw('now()'),
  }),
});
export type LoyaltyAccount = InferEntity<typeof LoyaltyAccount>;

/** One entry of the append-only points ledger (table `loyalty_transactions`). */
export const LoyaltyTransaction = defineEntity({
  name: 'LoyaltyTransaction',
  tableName: 'loyalty_transactions',
  properties: (p) => ({
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    /** Insertion order (generated): orders entries booked at the same time. */
    seq: p.bigint('number').generated('by default as identity'),
    patientId: p.uuid(),
    points: p.bigint('number'),
    kind: p.text().$type<LedgerKind>(),
    reason: p.text(),
    sourceKey: p.text().unique(),
    /** A reversal's points it could not take back because they were already spent. */
    shortfall: p.bigint('number').default(0),
    createdAt: p.datetime().defaultRaw('now()'),
  }),
});
export type LoyaltyTransaction = InferEntity<typeof LoyaltyTransaction>;

/** What is left of one earning entry, and when it was earned (table `loyalty_lot`). */
export const LoyaltyLot = defineEntity({
  name: 'LoyaltyLot',
  tableName: 'loyalty_lot',
  properties: (p) => ({
    transactionId: p.uuid().primary(),
    patientId: p.uuid(),
    points: p.bigint('number'),
    remaining: p.bigint('number'),
    /** Expires the configured period after this (CRM_LOYALTY_EXPIRY_MONTHS, default 12). */
    earnedAt: p.datetime(),
  }),
});
export type LoyaltyLot = InferEntity<typeof LoyaltyLot>;

/** A patient moving up a tier (table `loyalty_tier_changes`). */
export const LoyaltyTierChange = defineEntity({
  name: 'LoyaltyTierChange',
  tableName: 'loyalty_tier_changes',
  properties: (p) => ({
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    patientId: p.uuid(),
    fromTier: p.text().$type<Tier>(),
    toTier: p.text().$type<Tier>(),
    lifetimePoints: p.bigint('number'),
    transactionId: p.uuid(),
    changedAt: p.datetime().defaultRaw('now()'),
  }),
});
export type LoyaltyTierChange = InferEntity<typeof LoyaltyTierChange>;

/** A reward of the catalogue (table `loyalty_reward`); `stock` null means unlimited. */
export const LoyaltyReward = defineEntity({
  name: 'LoyaltyReward',
  tableName: 'loyalty_reward',
  repository: () => LoyaltyRewardRepository,
  properties: (p) => ({
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    /** Given by the database: RW-0001, RW-0002, … */
    code: p.text().unique().defaultRaw(`('RW-' || lpad(nextval('loyalty_reward_code_seq')::text, 4, '0'))`),
    name: p.text(),
    cost: p.bigint('number'),
    minTier: p.text().$type<Tier>(),
    stock: p.integer().nullable(),
    disabledAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
  }),
});
export type LoyaltyReward = InferEntity<typeof LoyaltyReward>;

/** A reward redeemed by a patient, with its ledger entry (table `loyalty_redemption`). */
export const LoyaltyRedemption = defineEntity({
  name: 'LoyaltyRedemption',
  tableName: 'loyalty_redemption',
  properties: (p) => ({
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    patientId: p.uuid(),
    rewardId: p.uuid(),
    points: p.bigint('number'),
    transactionId: p.uuid().unique(),
    createdAt: p.datetime().defaultRaw('now()'),
  }),
});
export type LoyaltyRedemption = InferEntity<typeof LoyaltyRedemption>;

/** A "points expiring soon" notice, one per patient and expiry date (table `loyalty_expiry_notice`). */
export const LoyaltyExpiryNotice = defineEntity({
  name: 'LoyaltyExpiryNotice',
  tableName: 'loyalty_expiry_notice',
  properties: (p) => ({
    patientId: p.uuid().primary(),
    expiresOn: p.date().primary(),
    points: p.bigint('number'),
    createdAt: p.datetime().defaultRaw('now()'),
  }),
});
export type LoyaltyExpiryNotice = InferEntity<typeof LoyaltyExpiryNotice>;
