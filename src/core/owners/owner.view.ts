import { isoTimestamp } from '../db/values.js';
import type { Channel } from '../patients/patient.entity.js';
import type { Owner, OwnerTaxType } from './owner.entity.js';
import type { OwnerCommunication } from './owner-communication.entity.js';

/** An owner as commands print it and `--json` shows it. */
export interface OwnerView {
  id: string;
  name: string;
  kind: string;
  email: string | null;
  phone: string | null;
  taxType: OwnerTaxType;
  bankName: string | null;
  bankCode: string;
  accountNumber: string;
  /** Channels the owner opted out of (no campaigns on them). */
  optedOut: Record<Channel, boolean>;
  createdAt: string;
}

export function toOwnerView(o: Owner): OwnerView {
  return {
    id: o.id,
    name: o.name,
    kind: o.kind,
    email: o.email ?? null,
    phone: o.phone ?? null,
    taxType: o.taxType,
    bankName: o.bankName ?? null,
    bankCode: o.bankCode,
    accountNumber: o.accountNumber,
    optedOut: { sms: o.optedOutSms, whatsapp: o.optedOutWhatsapp, email: o.optedOutEmail },
    createdAt: isoTimestamp(o.createdAt),
  };
}

/** One contact with an owner, logged or sent. */
export interface CommunicationView {
  id: string;
  channel: string;
  direction: string;
  subject: string | null;
  body: string | null;
  attachments: string[];
  operator: string;
  occurredAt: string;
  deliveryStatus: string;
}

export function toCommunicationView(c: OwnerCommunication): CommunicationView {
  return {
    id: c.id,
    channel: c.channel,
    direction: c.direction,
    subject: c.subject ?? null,
    body: c.body ?? null,
    attachments: c.attachments,
    operator: c.operator,
    occurredAt: isoTimestamp(c.occurredAt),
    deliveryStatus: c.deliveryStatus,
  };
}

/** Averages of an owner's (or all owners') satisfaction ratings. */
export interface SatisfactionSummary {
  responses: number;
  averageRating: number | null;
  byCategory: Record<string, { responses: number; averageRating: number }>;
  /** Share (0..1) of answers to would-recommend that were yes; null when nobody answered. */
  wouldRecommendShare: number | null;
}

/** A contract of an owner, as `owner show` lists it. */
export interface OwnerContractView {
  number: string;
  hospital: string;
  status: string;
  startDate: string;
  endDate: string | null;
}

/** `owner show`: the owner, their contracts, satisfaction and recent contacts. */
export interface OwnerDetail extends OwnerView {
  contracts: OwnerContractView[];
  satisfaction: SatisfactionSummary;
  recentCommunications: CommunicationView[];
}
