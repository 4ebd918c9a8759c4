/**
 * `owner edit`: corrects an owner's details, validated as `owner add` validates them. A change of
 * bank details (bank, account number, or the name the bank pays) reaches only payouts exported
 * after it: an exported payout keeps the details it was exported with (payout.paid_to_*, kept by
 * trigger payout_guard). The command asks before a bank-detail change (`--yes`).
 *
 * It also sets and clears the owner's opt-outs (`--opt-out sms,whatsapp`, `--opt-in sms`): an
 * opt-out made by a STOP reply or a Twilio 21610 can be corrected here, and an owner who asks not
 * to get campaigns on a channel any more is opted out here.
 */
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { ConflictError, ValidationError } from '../errors.js';
import { CHANNELS, type Channel } from '../patients/patient.entity.js';
import { type AddOwnerInput, type OwnerFields, validOwnerFields } from './add-owner.js';
import { ownerRepository } from './owner.repository.js';
import { type OwnerView, toOwnerView } from './owner.view.js';

export type EditOwnerInput = Partial<AddOwnerInput> & {
  /** Channels to opt the owner out of: `sms,whatsapp`, or `all`. */
  optOut?: string;
  /** Channels to opt the owner back into: `email`, or `all`. */
  optIn?: string;
};

const OPTED_OUT = { sms: 'optedOutSms', whatsapp: 'optedOutWhatsapp', email: 'optedOutEmail' } as const;
type OptOutField = (typeof OPTED_OUT)[Channel];

/** The fields whose change is a change of where the owner's money goes. */
export const BANK_FIELDS = ['name', 'bankName', 'bankCode', 'accountNumber'] as const;

export interface EditOwnerResult {
  owner: OwnerView;
  /** The fields that changed (none: nothing was written). */
  changed: (keyof OwnerFields | OptOutField)[];
  bankDetailsChanged: boolean;
}

/** Whether an edit asks to change bank details (the command confirms those first). */
export function changesBankDetails(input: EditOwnerInput): boolean {
  return BANK_FIELDS.some((f) => input[f] !== undefined);
}

/** Applies the given fields (the others stay); an e-mail another owner has is exit 5. */
export async function editOwner(
  ctx: ServiceContext,
  ref: string,
  input: EditOwnerInput,
): Promise<EditOwnerResult> {
  const { optOut: optOutList, optIn: optInList, ...fields } = input;
  const given = Object.entries(fields).filter(([, v]) => v !== undefined);
  const optOut = parseChannels(optOutList, 'opt-out');
  const optIn = parseChannels(optInList, 'opt-in');
  const both = optOut.find((c) => optIn.includes(c));
  if (both) throw new ValidationError('opt-in', both, 'is also in --opt-out; name a channel in one of them');
  if (given.length === 0 && optOutList === undefined && optInList === undefined)
    throw new ValidationError('owner', ref, 'name at least one field to change (see crm owner edit --help)');
  return ctx.em.transactional(async (em) => {
    const owner = await ownerRepository(em).getByRef(ref, { lock: true });
    const current: AddOwnerInput = {
      name: owner.name,
      kind: owner.kind,
      email: owner.email ?? undefined,
      phone: owner.phone ?? undefined,
      taxType: owner.taxType,
      // A new bank code without a bank name takes the code's bank name.
      bankName: input.bankCode !== undefined ? undefined : (owner.bankName ?? undefined),
      bankCode: owner.bankCode,
      accountNumber: owner.accountNumber,
    };
    // An empty --email or --phone removes it.
    const next = validOwnerFields({ ...current, ...Object.fromEntries(given) });
    const changed: EditOwnerResult['changed'] = (Object.keys(next) as (keyof OwnerFields)[]).filter(
      (k) => (next[k] ?? null) !== (owner[k] ?? null),
    );
    const optedOut = optOut.filter((c) => !owner[OPTED_OUT[c]]);
    const optedIn = optIn.filter((c) => owner[OPTED_OUT[c]]);
    changed.push(...[...optedOut, ...optedIn].map((c) => OPTED_OUT[c]));
    if (changed.length === 0) return { owner: toOwnerView(owner), changed, bankDetailsChanged: false };
    if (next.email && changed.includes('email')) {
      const clash = await ownerRepository(em).findByEmail(next.email);
      if (clash && clash.id !== owner.id)
        throw new ConflictError('owner_exists', `an owner with e-mail ${next.email} exists (${clash.name})`);
    }
    Object.assign(owner, next);
    for (const c of optedOut) owner[OPTED_OUT[c]] = true;
    for (const c of optedIn) owner[OPTED_OUT[c]] = false;
    await em.flush();
    const bankDetailsChanged = changed.some((k) => (BANK_FIELDS as readonly string[]).includes(k));
    // Which fields changed, never their values (names and accounts stay out of the audit log).
    await recordAudit(em, ctx.actor, 'owner', owner.id, {
      action: 'edit',
      changed,
      ...(changed.includes('taxType') ? { taxType: next.taxType } : {}),
      ...(changed.includes('bankCode') ? { bankCode: next.bankCode } : {}),
      ...(optedOut.length ? { optedOut } : {}),
      ...(optedIn.length ? { optedIn } : {}),
    });
    return { owner: toOwnerView(owner), changed, bankDetailsChanged };
  });
}

/** `sms,whatsapp` or `all` → the channels; an unknown one is a usage error naming it. */
function parseChannels(list: string | undefined, field: string): Channel[] {
  if (list === undefined) return [];
  const requested = list.trim().toLowerCase();
  if (requested === 'all') return [...CHANNELS];
  const channels = requested
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  if (!channels.length) throw new ValidationError(field, list, 'name a channel (sms, whatsapp, email, all)');
  for (const c of channels)
    if (!(CHANNELS as readonly string[]).includes(c))
      throw new ValidationError(field, c, 'not a channel (sms, whatsapp, email, all)');
  return [...new Set(channels as Channel[])];
}
