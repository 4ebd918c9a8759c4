import type { InferEntity } from '@mikro-orm/core';
import { mikroCore } from '../db/mikro-orm.js';
import { Payout } from './payout.entity.js';

const { defineEntity } = mikroCore;

export const DECISIONS = ['approve', 'reject'] as const;
export type Decision = (typeof DECISIONS)[number];

/**
 * One operator's decision on one revision of a payout (maker-checker, SPEC §1 "Approval"). The
 * database allows one decision per (payout, revision, operator) and requires a reason for a
 * rejection: checks in the migrations.
 */
export const PayoutApproval = defineEntity({
  name: 'PayoutApproval',
  tableName: 'payout_approvals',
  properties: (p) => ({
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    payout: p.manyToOne(Payout),
    revision: p.integer(),
    decision: p.text().$type<Decision>(),
    operator: p.text(),
    reason: p.text().nullable(),
    decidedAt: p.datetime().defaultRaw('now()'),
  }),
});
export type PayoutApproval = InferEntity<typeof PayoutApproval>;
