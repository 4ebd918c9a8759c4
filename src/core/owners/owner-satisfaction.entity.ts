import type { InferEntity } from '@mikro-orm/core';
import { mikroCore } from '../db/mikro-orm.js';
import { Owner } from './owner.entity.js';

const { defineEntity } = mikroCore;

export const SATISFACTION_CATEGORIES = ['service', 'payment', 'support', 'platform'] as const;
export type SatisfactionCategory = (typeof SATISFACTION_CATEGORIES)[number];

/**
 * One satisfaction rating (1 to 5) of an owner in a category. Checks and the index by (owner,
 * time) live in migrations/Migration20261125100000_owner_crm.ts.
 */
export const OwnerSatisfaction = defineEntity({
  name: 'OwnerSatisfaction',
  tableName: 'owner_satisfaction',
  properties: (p) => ({
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    owner: p.manyToOne(Owner),
    category: p.text().$type<SatisfactionCategory>(),
    rating: p.smallint(),
    wouldRecommend: p.boolean().nullable(),
    comment: p.text().nullable(),
    operator: p.text(),
    recordedAt: p.datetime().defaultRaw('now()'),
  }),
});
export type OwnerSatisfaction = InferEntity<typeof OwnerSatisfaction>;
