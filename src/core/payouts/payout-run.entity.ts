import type { InferEntity } from '@mikro-orm/core';
import { mikroCore } from '../db/mikro-orm.js';

const { defineEntity } = mikroCore;

/**
 * One `payout run` of a period that wrote (not a dry run): who ran it and how many payouts it
 * calculated or kept. The maker-checker rule reads it: whoever ran a period cannot approve its
 * payouts. The (period, operator) index lives in the migrations.
 */
export const PayoutRun = defineEntity({
  name: 'PayoutRun',
  tableName: 'payout_run',
  properties: (p) => ({
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    period: p.text(),
    operator: p.text(),
    ranAt: p.datetime().defaultRaw('now()'),
    calculated: p.integer(),
    kept: p.integer(),
  }),
});
export type PayoutRun = InferEntity<typeof PayoutRun>;
