/**
 * Hospital owners (persons or companies): who is paid under a contract, with their tax type and
 * bank details; the log of contacts with them and their satisfaction ratings (SPEC §1).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Actor, recordAudit } from '../audit/audit.js';
import { query, queryOne } from '../db/sql.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { normalizePhone } from '../phone.js';
import { type Clock, toIsoLagos } from '../time.js';
import { validateNuban } from './nuban.js';

export const TAX_TYPES = ['company', 'individual', 'exempt'] as const;
export type OwnerTaxType = (typeof TAX_TYPES)[number];
export const OWNER_KINDS = ['person', 'company'] as const;
export const LOG_CHANNELS = ['call', 'meeting', 'email', 'sms', 'whatsapp'] as const;
export const SATISFACTION_CATEGORIES = ['service', 'payment', 'support', 'platform'] as const;

/** CBN codes of common deposit-money banks, for display when no bank name is given. */
const BANK_NAMES: Record<string, string> = {
  '044': 'Access Bank',
  '023': 'Citibank Nigeria',
  '050': 'Ecobank Nigeria',
  '070': 'Fidelity Bank',
  '011': 'First Bank of Nigeria',
  '214': 'First City Monument Bank',
  '058': 'Guaranty Trust Bank',
  '030': 'Heritage Bank',
  '082': 'Keystone Bank',
  '076': 'Polaris Bank',
  '221': 'Stanbic IBTC Bank',
  '068': 'Standard Chartered Bank',
  '232': 'Sterling Bank',
  '032': 'Union Bank of Nigeria',
  '033': 'United Bank for Africa',
  '215': 'Unity Bank',
  '035': 'Wema Bank',
  '057': 'Zenith Bank',
};

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
  createdAt: string;
}

export interface AddOwnerInput {
  name: string;
  kind?: string;
  email?: string;
  phone?: string;
  taxType: string;
  bankName?: string;
  bankCode: string;
  accountNumber: string;
}

interface OwnerRecord {
  id: string;
  name: string;
  kind: string;
  email: string | null;
  phone: string | null;
  tax_type: OwnerTaxType;
  bank_name: string | null;
  bank_code: string;
  account_number: string;
  created_at: Date | string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SELECT_OWNER =
  'select id, name, kind, email, phone, tax_type, bank_name, bank_code, account_number, created_at from owner';

function toView(r: OwnerRecord): OwnerView {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    email: r.email,
    phone: r.phone,
    taxType: r.tax_type,
    bankName: r.bank_name,
    bankCode: r.bank_code,
    accountNumber: r.account_number,
    createdAt: toIsoLagos(r.created_at instanceof Date ? r.created_at : new Date(r.created_at)),
  };
}

function oneOf<T extends string>(list: readonly T[], value: string | undefined, field: string): T {
  const v = (value ?? '').trim().toLowerCase();
  if (!(list as readonly string[]).includes(v))
    throw new ValidationError(field, value, `use ${list.join(', ')}`);
  return v as T;
}

/** Adds an owner after validating the phone, e-mail and the NUBAN check digit. */
export async function addOwner(em: EntityManager, input: AddOwnerInput, actor: Actor): Promise<OwnerView> {
  const name = input.name?.trim();
  if (!name) throw new ValidationError('name', input.name, 'is required');
  const kind = input.kind ? oneOf(OWNER_KINDS, input.kind, 'kind') : 'company';
  const taxType = oneOf(TAX_TYPES, input.taxType, 'tax-type');
  const email = input.email?.trim().toLowerCase() || null;
  if (email && !EMAIL.test(email)) throw new ValidationError('email', input.email, 'not an e-mail address');
  let phone: string | null = null;
  if (input.phone?.trim()) {
    const p = normalizePhone(input.phone);
    if (!p.ok) throw new ValidationError('phone', input.phone, p.reason);
    phone = p.e164;
  }
  const bankCode = input.bankCode?.trim() ?? '';
  const accountNumber = input.accountNumber?.replace(/\s+/g, '') ?? '';
  const nuban = validateNuban(bankCode, accountNumber);
  if (!nuban.ok) {
    const field = /bank code/.test(nuban.reason) ? 'bank-code' : 'account-number';
    throw new ValidationError(
      field,
      field === 'bank-code' ? input.bankCode : input.accountNumber,
      nuban.reason,
    );
  }
  const bankName = input.bankName?.trim() || BANK_NAMES[bankCode] || null;
  return em.transactional(async (tem) => {
    if (email) {
      const clash = await queryOne<{ name: string }>(tem, 'select name from owner where lower(email) = $1', [
        email,
      ]);
      if (clash)
        throw new ConflictError('owner_exists', `an owner with e-mail ${email} exists (${clash.name})`);
    }
    const row = (await queryOne<OwnerRecord>(
      tem,
      `insert into owner (name, kind, email, phone, tax_type, bank_name, bank_code, account_number)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       returning id, name, kind, email, phone, tax_type, bank_name, bank_code, account_number, created_at`,
      [name, kind, email, phone, taxType, bankName, bankCode, accountNumber],
    ))!;
    await recordAudit(tem, actor, 'owner', row.id, { name, taxType, bankCode, accountNumber });
    return toView(row);
  });
}

/** Finds an owner by id, e-mail or exact name (case-insensitive); an ambiguous name is a conflict. */
export async function findOwner(em: EntityManager, ref: string): Promise<OwnerView> {
  const text = ref.trim();
  let rows: OwnerRecord[];
  if (UUID.test(text)) rows = await query<OwnerRecord>(em, `${SELECT_OWNER} where id = $1`, [text]);
  else if (text.includes('@'))
    rows = await query<OwnerRecord>(em, `${SELECT_OWNER} where lower(email) = lower($1)`, [text]);
  else rows = await query<OwnerRecord>(em, `${SELECT_OWNER} where lower(name) = lower($1) limit 10`, [text]);
  if (rows.length === 0) throw new NotFoundError('owner', ref);
  if (rows.length > 1) {
    throw new ConflictError(
      'owner_ambiguous',
      `${rows.length} owners are named ${ref}: ${rows.map((r) => r.id).join(', ')}; use the id`,
    );
  }
  return toView(rows[0]);
}

export async function listOwners(em: EntityManager): Promise<(OwnerView & { activeContracts: number })[]> {
  const rows = await query<OwnerRecord & { active_contracts: number }>(
    em,
    `select o.*, (select count(*)::int from contract c where c.owner_id = o.id and c.status = 'active') as active_contracts
     from owner o order by o.name, o.id`,
  );
  return rows.map((r) => ({ ...toView(r), activeContracts: r.active_contracts }));
}

export interface SatisfactionSummary {
  responses: number;
  averageRating: number | null;
  byCategory: Record<string, { responses: number; averageRating: number }>;
  /** Share (0..1) of answers to would-recommend that were yes; null when nobody answered. */
  wouldRecommendShare: number | null;
}

/** Averages per category and overall, and the would-recommend share, of one owner or all. */
export async function satisfactionSummary(em: EntityManager, ownerId?: string): Promise<SatisfactionSummary> {
  const where = ownerId ? 'where owner_id = $1' : '';
  const params = ownerId ? [ownerId] : [];
  const byCategory = await query<{ category: string; n: number; avg: string }>(
    em,
    `select category, count(*)::int as n, round(avg(rating), 2)::text as avg from owner_satisfaction ${where}
     group by category order by category`,
    params,
  );
  const overall = (await queryOne<{ n: number; avg: string | null; yes: number; answered: number }>(
    em,
    `select count(*)::int as n, round(avg(rating), 2)::text as avg,
       count(*) filter (where would_recommend)::int as yes,
       count(would_recommend)::int as answered
     from owner_satisfaction ${where}`,
    params,
  ))!;
  return {
    responses: overall.n,
    averageRating: overall.avg === null ? null : Number(overall.avg),
    byCategory: Object.fromEntries(
      byCategory.map((c) => [c.category, { responses: c.n, averageRating: Number(c.avg) }]),
    ),
    wouldRecommendShare:
      overall.answered === 0 ? null : Math.round((overall.yes / overall.answered) * 1000) / 1000,
  };
}

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

export interface OwnerDetail extends OwnerView {
  contracts: {
    number: string;
    hospital: string;
    status: string;
    startDate: string;
    endDate: string | null;
  }[];
  satisfaction: SatisfactionSummary;
  recentCommunications: CommunicationView[];
}

export async function showOwner(em: EntityManager, ref: string): Promise<OwnerDetail> {
  const owner = await findOwner(em, ref);
  const contracts = await query<{
    number: string;
    hospital: string;
    status: string;
    start_date: string;
    end_date: string | null;
  }>(
    em,
    `select c.number, h.code as hospital, c.status, c.start_date::text, c.end_date::text
     from contract c join hospital h on h.id = c.hospital_id where c.owner_id = $1 order by c.start_date, c.number`,
    [owner.id],
  );
  return {
    ...owner,
    contracts: contracts.map((c) => ({
      number: c.number,
      hospital: c.hospital,
      status: c.status,
      startDate: c.start_date,
      endDate: c.end_date,
    })),
    satisfaction: await satisfactionSummary(em, owner.id),
    recentCommunications: await listCommunications(em, owner.id, 10),
  };
}

export async function listCommunications(em: EntityManager, ownerId: string, limit = 50) {
  const rows = await query<{
    id: string;
    channel: string;
    direction: string;
    subject: string | null;
    body: string | null;
    attachments: string[];
    operator: string;
    occurred_at: Date | string;
    delivery_status: string;
  }>(
    em,
    `select id, channel, direction, subject, body, attachments, operator, occurred_at, delivery_status
     from owner_communications where owner_id = $1 order by occurred_at desc, id limit $2`,
    [ownerId, limit],
  );
  return rows.map(
    (r): CommunicationView => ({
      id: r.id,
      channel: r.channel,
      direction: r.direction,
      subject: r.subject,
      body: r.body,
      attachments: r.attachments,
      operator: r.operator,
      occurredAt: toIsoLagos(r.occurred_at instanceof Date ? r.occurred_at : new Date(r.occurred_at)),
      deliveryStatus: r.delivery_status,
    }),
  );
}

export interface LogContactInput {
  owner: string;
  channel: string;
  summary: string;
  subject?: string;
  direction?: string;
  attachments?: string[];
  /** When the contact happened (default now). */
  at?: string;
}

/** Records a contact made outside the tool (a call, a meeting, a message sent from a phone). */
export async function logOwnerContact(
  em: EntityManager,
  clock: Clock,
  input: LogContactInput,
  actor: Actor,
): Promise<CommunicationView> {
  const channel = oneOf(LOG_CHANNELS, input.channel, 'channel');
  const direction = input.direction
    ? oneOf(['inbound', 'outbound'] as const, input.direction, 'direction')
    : 'outbound';
  if (!input.summary?.trim()) throw new ValidationError('summary', input.summary, 'is required');
  return em.transactional(async (tem) => {
    const owner = await findOwner(tem, input.owner);
    const at = input.at ?? clock.now().toISO()!;
    const row = (await queryOne<{ id: string }>(
      tem,
      `insert into owner_communications (owner_id, channel, direction, subject, body, attachments, operator, occurred_at)
       values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8::timestamptz) returning id`,
      [
        owner.id,
        channel,
        direction,
        input.subject?.trim() || null,
        input.summary.trim(),
        JSON.stringify(input.attachments ?? []),
        actor.operator,
        at,
      ],
    ))!;
    await recordAudit(tem, actor, 'owner_communication', row.id, { owner: owner.id, channel, direction }, at);
    return (await listCommunications(tem, owner.id, 1000)).find((c) => c.id === row.id)!;
  });
}

export interface SatisfactionInput {
  owner: string;
  category: string;
  rating: string | number;
  wouldRecommend?: string;
  comment?: string;
}

/** Records one satisfaction rating and returns the owner's updated summary. */
export async function recordSatisfaction(
  em: EntityManager,
  clock: Clock,
  input: SatisfactionInput,
  actor: Actor,
): Promise<{ owner: string; category: string; rating: number; summary: SatisfactionSummary }> {
  const category = oneOf(SATISFACTION_CATEGORIES, input.category, 'category');
  const rating = Number(input.rating);
  if (!/^[1-5]$/.test(String(input.rating).trim()))
    throw new ValidationError('rating', input.rating, 'a whole number from 1 to 5');
  let wouldRecommend: boolean | null = null;
  if (input.wouldRecommend !== undefined) {
    const v = input.wouldRecommend.trim().toLowerCase();
    if (['yes', 'y', 'true', '1'].includes(v)) wouldRecommend = true;
    else if (['no', 'n', 'false', '0'].includes(v)) wouldRecommend = false;
    else throw new ValidationError('would-recommend', input.wouldRecommend, 'use yes or no');
  }
  return em.transactional(async (tem) => {
    const owner = await findOwner(tem, input.owner);
    const at = clock.now().toISO()!;
    const row = (await queryOne<{ id: string }>(
      tem,
      `insert into owner_satisfaction (owner_id, category, rating, would_recommend, comment, operator, recorded_at)
       values ($1, $2, $3, $4, $5, $6, $7::timestamptz) returning id`,
      [owner.id, category, rating, wouldRecommend, input.comment?.trim() || null, actor.operator, at],
    ))!;
    await recordAudit(tem, actor, 'owner_satisfaction', row.id, { owner: owner.id, category, rating }, at);
    return { owner: owner.id, category, rating, summary: await satisfactionSummary(tem, owner.id) };
  });
}
