import { addOwner } from '../../core/owners/add-owner.js';
import { CBN_BANKS } from '../../core/owners/banks.js';
import { validateNuban } from '../../core/owners/nuban.js';
import { TAX_TYPES } from '../../core/owners/owner.entity.js';
import { normalizePhone } from '../../core/phone.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { optionalValueOrPrompt, requireFlags, valueOrPrompt } from '../_shared/prompts.js';
import { printJson } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  name?: string;
  kind?: string;
  email?: string;
  phone?: string;
  taxType?: string;
  bankName?: string;
  bankCode?: string;
  accountNumber?: string;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  requireFlags(ctx, [
    [flags.name, '--name'],
    [flags.taxType, '--tax-type'],
    [flags.bankCode, '--bank-code'],
    [flags.accountNumber, '--account-number'],
  ]);
  const name = await valueOrPrompt(ctx, flags.name, '--name', 'Owner name (person or company)');
  const email = await optionalValueOrPrompt(ctx, flags.email, 'E-mail (optional)', (v) =>
    EMAIL.test(v) ? true : 'not an e-mail address',
  );
  const phone = await optionalValueOrPrompt(ctx, flags.phone, 'Phone (optional)', (v) => {
    const p = normalizePhone(v);
    return p.ok ? true : p.reason;
  });
  const taxType = await valueOrPrompt(ctx, flags.taxType, '--tax-type', 'Tax type', { choices: TAX_TYPES });
  const bankCode = await valueOrPrompt(ctx, flags.bankCode, '--bank-code', 'Bank (name or CBN code)', {
    choices: Object.entries(CBN_BANKS).map(([code, bank]) => ({ value: code, name: `${code}  ${bank}` })),
  });
  const accountNumber = await valueOrPrompt(
    ctx,
    flags.accountNumber,
    '--account-number',
    'Account number (NUBAN)',
    {
      validate: (v) => {
        const r = validateNuban(bankCode.trim(), v.replace(/\s+/g, ''));
        return r.ok ? true : r.reason;
      },
    },
  );
  const input = {
    name,
    kind: flags.kind,
    email,
    phone,
    taxType,
    bankName: flags.bankName,
    bankCode,
    accountNumber,
  };
  const owner = await ctx.withServices((svc) => addOwner(svc, input));
  if (ctx.json) return printJson(ctx, owner);
  ctx.print(`added owner ${owner.name} (${owner.id})`);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
