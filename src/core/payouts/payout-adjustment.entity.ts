import type { InferEntity } from '@mikro-orm/core';
import { mikroCore } from '../db/mikro-orm.js';

const { defineEntity } = mikroCore;

/**
 * A difference found after a payout was decided: a re-run of its period would now pay
 * `nowPayoutKobo` where `wasPayoutKobo` was decided (late revenue, a refund, a contract that
 * ended). Recorded once per change by the run that found it (payout-adjustment.sql.ts), then
 * carried by the contract's next payout still being calculated. The database keeps it as recorded:
 * only `carriedByPayoutId` changes, between calculated payouts (adjustments migration).
 */
export const PayoutAdjustment = defineEntity({
  name: 'PayoutAdjustment',
  tableName: 'payout_adjustment',
  properties: (p) => ({
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    contractId: p.uuid().fieldName('contract_id'),
    sourcePayoutId: p.uuid().fieldName('source_payout_id'),
    wasPayoutKobo: p.bigint('bigint'),
    nowPayoutKobo: p.bigint('bigint'),
    amountKobo: p.bigint('bigint'),
    payoutRunId: p.uuid().fieldName('payout_run_id'),
    detectedAt: p.datetime().defaultRaw('clock_timestamp()'),
    detectedBy: p.text(),
    carriedByPayoutId: p.uuid().fieldName('carried_by_payout_id').nullable(),
  }),
});
export type PayoutAdjustment = InferEntity<typeof PayoutAdjustment>;
