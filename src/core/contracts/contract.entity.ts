import type { InferEntity } from '@mikro-orm/core';
import { mikroCore } from '../db/mikro-orm.js';
import { Hospital } from '../hospitals/hospital.entity.js';
import { ContractMilestoneRepository, ContractRepository } from './contract.repository.js';
import type { MilestoneKind } from './milestone.planner.js';

const { defineEntity } = mikroCore;

export const FREQUENCIES = ['monthly', 'quarterly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];
export const CONTRACT_STATUSES = ['draft', 'active', 'expired', 'terminated'] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];

/**
 * A contract between an owner and a hospital (SPEC §1): `draft → active → expired`, or
 * `terminated` from active. Its number (`CT-2026-0001`) is how operators name it. Checks, the
 * unique number and the `contract_no_overlap` exclusion constraint (no two contracts in force for
 * one hospital on the same day) live in migrations/.
 */
export const Contract = defineEntity({
  name: 'Contract',
  tableName: 'contract',
  repository: () => ContractRepository,
  properties: (p) => ({
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    number: p.text().unique(),
    // The owner as its id: views take owners' names in one query for a list (contract.sql.ts).
    ownerId: p.uuid().fieldName('owner_id'),
    hospital: p.manyToOne(Hospital),
    shareBps: p.integer(),
    guaranteeKobo: p.bigint('bigint'),
    frequency: p.text().$type<Frequency>(),
    paymentTermsDays: p.integer().default(30),
    startDate: p.date(),
    endDate: p.date().nullable(),
    notes: p.text().nullable(),
    status: p.text().$type<ContractStatus>().default('draft'),
    /** Reason given when terminated. */
    terminationReason: p.text().nullable(),
    /** Last day in force when terminated (inclusive); the day before the start if terminated before it. */
    terminatedOn: p.date().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
    activatedAt: p.datetime().nullable(),
    expiredAt: p.datetime().nullable(),
    terminatedAt: p.datetime().nullable(),
  }),
});
export type Contract = InferEntity<typeof Contract>;

export const MILESTONE_STATUSES = ['pending', 'completed', 'cancelled'] as const;
export type MilestoneStatus = (typeof MILESTONE_STATUSES)[number];

/**
 * A review milestone of a contract, planned at activation (milestone.planner.ts). One per
 * contract, kind and due date; the unique key, the checks and the index on pending due dates live
 * in migrations/.
 */
export const ContractMilestone = defineEntity({
  name: 'ContractMilestone',
  tableName: 'contract_milestone',
  repository: () => ContractMilestoneRepository,
  properties: (p) => ({
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    contract: p.manyToOne(Contract),
    kind: p.text().$type<MilestoneKind>(),
    dueDate: p.date(),
    status: p.text().$type<MilestoneStatus>().default('pending'),
    completedAt: p.datetime().nullable(),
    completedBy: p.text().nullable(),
    notes: p.text().nullable(),
  }),
});
export type ContractMilestone = InferEntity<typeof ContractMilestone>;
