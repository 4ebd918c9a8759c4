import { addOwner } from '../../core/owners/owner.service.js';
import type { CommandContext } from '../_shared/context.js';
import { valueOrPrompt } from '../_shared/prompts.js';
import { printJson } from '../_shared/render.js';

export async function run(
  ctx: CommandContext,
  _args: string[],
  flags: Record<string, string>,
): Promise<void> {
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
  const owner = await ctx.withDatabase((db) => addOwner(db.em(), input, ctx.actor()));
  if (ctx.json) return printJson(ctx, owner);
  ctx.print(`added owner ${owner.name} (${owner.id})`);
}
