import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { ConflictError, ValidationError } from '../errors.js';
import { normalizePhone } from '../phone.js';
import { requireKnownBank } from './banks.js';
import { validateNuban } from './nuban.js';
import { oneOf } from './one-of.js';
import { OWNER_KINDS, Owner, TAX_TYPES } from './owner.entity.js';
import { ownerRepository } from './owner.repository.js';
import { type OwnerView, toOwnerView } from './owner.view.js';

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

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An owner's fields as stored, validated. */
export type OwnerFields = Pick<
  Owner,
  'name' | 'kind' | 'email' | 'phone' | 'taxType' | 'bankName' | 'bankCode' | 'accountNumber'
>;

/**
 * Validates and normalises an owner's fields (`owner add`, and `owner edit` with the owner's
 * current values for what it does not change): the phone, the e-mail, the NUBAN check digit.
 */
export function validOwnerFields(input: AddOwnerInput): OwnerFields {
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
  // The bank first: an account number cannot be checked against a bank that is not on the list.
  const knownName = requireKnownBank(bankCode);
  const nuban = validateNuban(bankCode, accountNumber);
  if (!nuban.ok) {
    const field = /bank code/.test(nuban.reason) ? 'bank-code' : 'account-number';
    throw new ValidationError(
      field,
      field === 'bank-code' ? input.bankCode : input.accountNumber,
      nuban.reason,
    );
  }
  const bankName = input.bankName?.trim() || knownName;
  return { name, kind, email, phone, taxType, bankName, bankCode, accountNumber };
}

/** Adds an owner after validating the phone, e-mail and the NUBAN check digit; a known e-mail is exit 5. */
export async function addOwner(ctx: ServiceContext, input: AddOwnerInput): Promise<OwnerView> {
  const fields = validOwnerFields(input);
  const { email, kind, taxType, bankCode } = fields;
  return ctx.em.transactional(async (em) => {
    if (email) {
      const clash = await ownerRepository(em).findByEmail(email);
      if (clash)
        throw new ConflictError('owner_exists', `an owner with e-mail ${email} exists (${clash.name})`);
    }
    const owner = em.create(Owner, fields as never);
    await em.flush();
    // No name or account number: the audit log is kept forever; the entity id says which owner.
    await recordAudit(em, ctx.actor, 'owner', owner.id, { kind, taxType, bankCode });
    return toOwnerView(owner);
  });
}
