import type { InferEntity } from '@mikro-orm/core';
import { mikroCore } from '../db/mikro-orm.js';
import { PayoutRepository } from './payout.repository.js';

const { defineEntity } = mikroCore;

export const PAYOUT_STATUSES = [
  'calculated',
  'approved',
  'exported',
  'paid',
  'failed',
  'rejected',
  'void',
] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

/**
 * One contract's payout for one period (SPEC §1 "Payouts"): the calculation's inputs and results
 * in bigint kobo, and where it stands (calculated → approved → exported → paid | failed, or
 * rejected, or void: the states migration). `adjustmentKobo` is what it carries of adjustments
 * of earlier periods (payout-adjustment.entity.ts); net = payout + adjustment − tax.
 * `revision` is bumped whenever a re-run changes the amounts: approvals count only for the
 * current revision. Checks (the split, top-up and net identities, one payout per contract and
 * period) live in migrations/Migration20261125100000_owner_crm.ts. Runs write payouts set-based
 * (payout-run.sql.ts), not through this entity.
 */
export const Payout = defineEntity({
  name: 'Payout',
  tableName: 'payout',
  repository: () => PayoutRepository,
  properties: (p) => ({
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    reference: p.text().unique(),
    // The contract as its id: payout reads join contract, hospital and owner in one named query
    // (payout.sql.ts), so nothing here loads a Contract.
    contractId: p.uuid().fieldName('contract_id'),
    period: p.text(),
    periodStart: p.date(),
    periodEnd: p.date(),
    periodDays: p.integer(),
    activeDays: p.integer(),
    shareBps: p.integer(),
    fullGuaranteeKobo: p.bigint('bigint'),
    taxBps: p.integer(),
    grossRevenueKobo: p.bigint('bigint'),
    ownerShareKobo: p.bigint('bigint'),
    platformShareKobo: p.bigint('bigint'),
    guaranteeKobo: p.bigint('bigint'),
    topUpKobo: p.bigint('bigint'),
    payoutKobo: p.bigint('bigint'),
    taxKobo: p.bigint('bigint'),
    netKobo: p.bigint('bigint'),
    adjustmentKobo: p.bigint('bigint').default(0),
    dueDate: p.date(),
    status: p.text().$type<PayoutStatus>().default('calculated'),
    revision: p.integer().default(1),
    calculatedBy: p.text(),
    calculatedAt: p.datetime(),
    rejectionReason: p.text().nullable(),
    approvedAt: p.datetime().nullable(),
    exportedAt: p.datetime().nullable(),
    exportBatch: p.uuid().nullable(),
    paidAt: p.datetime().nullable(),
    bankStatus: p.text().nullable(),
    bankNote: p.text().nullable(),
    // The beneficiary and account the payout was exported with (written by the export, then kept:
    // a later correction of the owner's bank details reaches only payouts exported after it).
    paidToName: p.text().nullable(),
    paidToBankCode: p.text().nullable(),
    paidToAccountNumber: p.text().nullable(),
  }),
});
export type Payout = InferEntity<typeof Payout>;
