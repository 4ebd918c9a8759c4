import type { InferEntity } from '@mikro-orm/core';
import { mikroCore } from '../db/mikro-orm.js';

const { defineEntity } = mikroCore;

/** The money rules that are policy, by name (the table's check lists the same names). */
export const POLICY_NAMES = [
  'dual_approval_threshold_kobo',
  'wht_company_bps',
  'wht_individual_bps',
  'wht_exempt_bps',
] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

/**
 * One money rule: the dual-approval threshold in kobo, or a withholding-tax rate in basis points.
 * The rows are fixed (the migration inserts them); only admins update them (trigger policy_guard),
 * and the database writes the audit row of every change (trigger policy_audit).
 */
export const Policy = defineEntity({
  name: 'Policy',
  tableName: 'policy',
  properties: (p) => ({
    name: p.text().primary().$type<PolicyName>(),
    value: p.bigint('bigint'),
    changedAt: p.datetime().defaultRaw('clock_timestamp()'),
    changedBy: p.text(),
  }),
});
export type Policy = InferEntity<typeof Policy>;
