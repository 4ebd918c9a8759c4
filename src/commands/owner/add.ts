import { addOwner } from '../../core/owners/add-owner.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { valueOrPrompt } from '../_shared/prompts.js';
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
  const input = {
    name: await valueOrPrompt(ctx, flags.name, '--name', 'Owner name (person or company)'),
    kind: flags.kind,
    email: flags.email,
    phone: flags.phone,
    taxType: await valueOrPrompt(ctx, flags.taxType, '--tax-type', 'Tax type (company, individual, exempt)'),
    bankName: flags.bankName,
    bankCode: await valueOrPrompt(ctx, flags.bankCode, '--bank-code', 'Bank code (e.g. 058)'),
    accountNumber: await valueOrPrompt(
      ctx,
      flags.accountNumber,
      '--account-number',
      'Account number (NUBAN)',
    ),
  };
  const owner = await ctx.withServices((svc) => addOwner(svc, input));
  if (ctx.json) return printJson(ctx, owner);
  ctx.print(`added owner ${owner.name} (${owner.id})`);
}
