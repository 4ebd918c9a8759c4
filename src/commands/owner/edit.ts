import { changesBankDetails, editOwner } from '../../core/owners/edit-owner.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { confirmOrRefuse } from '../_shared/prompts.js';
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
  optOut?: string;
  optIn?: string;
}

export async function run(ctx: CommandContext, [ref]: string[], flags: Flags): Promise<void> {
  const input = {
    name: flags.name,
    kind: flags.kind,
    email: flags.email,
    phone: flags.phone,
    taxType: flags.taxType,
    bankName: flags.bankName,
    bankCode: flags.bankCode,
    accountNumber: flags.accountNumber,
    optOut: flags.optOut,
    optIn: flags.optIn,
  };
  if (changesBankDetails(input))
    await confirmOrRefuse(ctx, flags.yes, {
      action: `change the bank details of ${ref}`,
      note: `Payouts exported from now on go to the new account (exported ones keep theirs).`,
    });
  const result = await ctx.withServices((svc) => editOwner(svc, ref, input));
  if (ctx.json) return printJson(ctx, result);
  const { owner, changed } = result;
  ctx.print(
    changed.length === 0
      ? `owner ${owner.name}: nothing changed`
      : `owner ${owner.name} (${owner.id}): changed ${changed.join(', ')}`,
  );
}
