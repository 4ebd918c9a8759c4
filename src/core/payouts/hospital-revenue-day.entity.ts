import type { InferEntity } from '@mikro-orm/core';
import { mikroCore } from '../db/mikro-orm.js';
import { Hospital } from '../hospitals/hospital.entity.js';

const { defineEntity } = mikroCore;

/**
 * The daily revenue rollup: per hospital and Lagos calendar day, the sums and counts of its
 * payments and refunds. Read-only here: statement-level triggers on hospital_transaction keep it
 * equal to the grouped transactions (migrations/Migration20261125120000_revenue_rollup.ts), and
 * payouts read it with grouped SQL (payout-run.sql.ts, payout.sql.ts).
 */
export const HospitalRevenueDay = defineEntity({
  name: 'HospitalRevenueDay',
  tableName: 'hospital_revenue_day',
  readonly: true,
  properties: (p) => ({
    hospital: p.manyToOne(Hospital).primary(),
    day: p.date().primary(),
    paymentsKobo: p.bigint('bigint').default(0),
    refundsKobo: p.bigint('bigint').default(0),
    paymentCount: p.integer().default(0),
    refundCount: p.integer().default(0),
  }),
});
export type HospitalRevenueDay = InferEntity<typeof HospitalRevenueDay>;
