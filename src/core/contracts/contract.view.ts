import { isoTimestamp, isoTimestampOrNull } from '../db/values.js';
import { koboToJson } from '../money.js';
import type { Contract, ContractMilestone, Frequency } from './contract.entity.js';

/** A contract as commands print it and `--json` shows it. */
export interface ContractView {
  id: string;
  number: string;
  status: string;
  owner: string;
  ownerName: string;
  hospital: string;
  sharePercent: number;
  shareBasisPoints: number;
  guaranteeKobo: number;
  frequency: Frequency;
  paymentTermsDays: number;
  startDate: string;
  endDate: string | null;
  notes: string | null;
  terminationReason: string | null;
  terminatedOn: string | null;
  createdAt: string;
  activatedAt: string | null;
}

/** The view of a contract whose hospital is loaded; `ownerName` is its owner's name. */
export function toContractView(c: Contract, ownerName: string): ContractView {
  return {
    id: c.id,
    number: c.number,
    status: c.status,
    owner: c.ownerId,
    ownerName,
    hospital: c.hospital.code,
    sharePercent: c.shareBps / 100,
    shareBasisPoints: c.shareBps,
    guaranteeKobo: koboToJson(c.guaranteeKobo),
    frequency: c.frequency,
    paymentTermsDays: c.paymentTermsDays,
    startDate: c.startDate,
    endDate: c.endDate ?? null,
    notes: c.notes ?? null,
    terminationReason: c.terminationReason ?? null,
    terminatedOn: c.terminatedOn ?? null,
    createdAt: isoTimestamp(c.createdAt),
    activatedAt: isoTimestampOrNull(c.activatedAt),
  };
}

export interface MilestoneView {
  id: string;
  contract: string;
  hospital: string;
  kind: string;
  dueDate: string;
  /** pending, overdue (pending and its date has passed), completed or cancelled. */
  status: string;
  completedAt: string | null;
  completedBy: string | null;
  notes: string | null;
}

/** The view of a milestone whose contract and its hospital are loaded; `today` is a Lagos date. */
export function toMilestoneView(m: ContractMilestone, today: string): MilestoneView {
  return {
    id: m.id,
    contract: m.contract.number,
    hospital: m.contract.hospital.code,
    kind: m.kind,
    dueDate: m.dueDate,
    status: m.status === 'pending' && m.dueDate < today ? 'overdue' : m.status,
    completedAt: isoTimestampOrNull(m.completedAt),
    completedBy: m.completedBy ?? null,
    notes: m.notes ?? null,
  };
}

export interface PerformancePeriod {
  period: string;
  status: string;
  grossRevenueKobo: number;
  ownerShareKobo: number;
  guaranteeKobo: number;
  topUpKobo: number;
  payoutKobo: number;
  netKobo: number;
}

export interface ContractPerformance {
  periods: PerformancePeriod[];
  revenueKobo: number;
  ownerShareKobo: number;
  /** What the guarantee cost the platform over the contract (top-ups of payouts not rejected). */
  topUpsKobo: number;
  periodsBelowGuarantee: number;
  paidKobo: number;
  /** Net amounts calculated, approved or exported but not yet paid. */
  outstandingKobo: number;
}

export interface ContractDetail extends ContractView {
  milestones: MilestoneView[];
  performance: ContractPerformance;
}
