import { isoTimestamp, isoTimestampOrNull } from '../db/values.js';
import { koboToJson } from '../money.js';
import type { TaxType } from './payout.calculator.js';
import type { Payout, PayoutStatus } from './payout.entity.js';
import type { PayoutApproval } from './payout-approval.entity.js';

/** The money of one payout, or of several summed, in kobo (JSON numbers). */
export interface PayoutAmounts {
  grossRevenueKobo: number;
  ownerShareKobo: number;
  platformShareKobo: number;
  guaranteeKobo: number;
  topUpKobo: number;
  payoutKobo: number;
  /** Adjustments of earlier periods carried by this payout (payout + adjustment − tax = net). */
  adjustmentKobo: number;
  taxKobo: number;
  netKobo: number;
}

/** PayoutAmounts' fields, in the order the JSON documents print them. */
const AMOUNT_FIELDS = [
  'grossRevenueKobo',
  'ownerShareKobo',
  'platformShareKobo',
  'guaranteeKobo',
  'topUpKobo',
  'payoutKobo',
  'adjustmentKobo',
  'taxKobo',
  'netKobo',
] as const satisfies readonly (keyof PayoutAmounts)[];

/** Who a payout is between, as views name them: from its contract, hospital and owner. */
export interface PayoutParties {
  /** The contract's number. */
  contract: string;
  /** The hospital's code. */
  hospital: string;
  /** The owner's id. */
  owner: string;
  ownerName: string;
  taxType: TaxType;
}

/** A payout as `payout run|list --json` prints it (SPEC appendix), plus the calculation's inputs. */
export interface PayoutView extends PayoutAmounts {
  id: string | null;
  reference: string;
  period: string;
  contract: string;
  hospital: string;
  owner: string;
  ownerName: string;
  dueDate: string;
  status: PayoutStatus;
  shareBasisPoints: number;
  fullGuaranteeKobo: number;
  activeDays: number;
  periodDays: number;
  taxType: TaxType;
  taxBasisPoints: number;
}

export interface PayoutTotals extends PayoutAmounts {
  count: number;
}

export interface ApprovalView {
  decision: string;
  operator: string;
  reason: string | null;
  revision: number;
  decidedAt: string;
}

/** A payout as `payout show` prints it: the full calculation, its approvals and the bank's answer. */
export interface PayoutDetail extends PayoutView {
  periodStart: string;
  periodEnd: string;
  revision: number;
  calculatedBy: string;
  calculatedAt: string;
  requiredApprovals: number;
  approvals: ApprovalView[];
  rejectionReason: string | null;
  approvedAt: string | null;
  exportedAt: string | null;
  paidAt: string | null;
  bankStatus: string | null;
  bankNote: string | null;
  transactions: { payments: number; refunds: number };
}

/** The outcome of an approval or a rejection, per payout. */
export interface DecisionResult {
  id: string;
  reference: string;
  status: string;
  approvals: number;
  requiredApprovals: number;
}

export function toPayoutView(p: Payout, parties: PayoutParties): PayoutView {
  const k = koboToJson;
  return {
    id: p.id,
    reference: p.reference,
    period: p.period,
    contract: parties.contract,
    hospital: parties.hospital,
    owner: parties.owner,
    ownerName: parties.ownerName,
    grossRevenueKobo: k(p.grossRevenueKobo),
    ownerShareKobo: k(p.ownerShareKobo),
    platformShareKobo: k(p.platformShareKobo),
    guaranteeKobo: k(p.guaranteeKobo),
    topUpKobo: k(p.topUpKobo),
    payoutKobo: k(p.payoutKobo),
    adjustmentKobo: k(p.adjustmentKobo),
    taxKobo: k(p.taxKobo),
    netKobo: k(p.netKobo),
    dueDate: p.dueDate,
    status: p.status,
    shareBasisPoints: p.shareBps,
    fullGuaranteeKobo: k(p.fullGuaranteeKobo),
    activeDays: p.activeDays,
    periodDays: p.periodDays,
    taxType: parties.taxType,
    taxBasisPoints: p.taxBps,
  };
}

export function toApprovalView(a: PayoutApproval): ApprovalView {
  return {
    decision: a.decision,
    operator: a.operator,
    reason: a.reason ?? null,
    revision: a.revision,
    decidedAt: isoTimestamp(a.decidedAt),
  };
}

/** The detail of one payout: its view and what only `payout show` prints. */
export function toPayoutDetail(
  p: Payout,
  parties: PayoutParties,
  extra: {
    requiredApprovals: number;
    approvals: PayoutApproval[];
    transactions: { payments: number; refunds: number };
  },
): PayoutDetail {
  return {
    ...toPayoutView(p, parties),
    periodStart: p.periodStart,
    periodEnd: p.periodEnd,
    revision: p.revision,
    calculatedBy: p.calculatedBy,
    calculatedAt: isoTimestamp(p.calculatedAt),
    requiredApprovals: extra.requiredApprovals,
    approvals: extra.approvals.map(toApprovalView),
    rejectionReason: p.rejectionReason ?? null,
    approvedAt: isoTimestampOrNull(p.approvedAt),
    exportedAt: isoTimestampOrNull(p.exportedAt),
    paidAt: isoTimestampOrNull(p.paidAt),
    bankStatus: p.bankStatus ?? null,
    bankNote: p.bankNote ?? null,
    transactions: extra.transactions,
  };
}

export function totalsOf(payouts: PayoutView[]): PayoutTotals {
  const totals = { count: payouts.length } as PayoutTotals;
  for (const field of AMOUNT_FIELDS)
    totals[field] = koboToJson(payouts.reduce((sum, p) => sum + BigInt(p[field]), 0n));
  return totals;
}
