import { previewPayoutsByRef } from '../../core/payouts/preview-payouts.js';
import { rejectPayout } from '../../core/payouts/reject-payout.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { confirmFromDatabase } from '../_shared/prompts.js';
import { printJson } from '../_shared/render.js';
import { describePayouts } from './plan.js';

interface Flags extends GlobalFlags {
  reason: string;
}

export async function run(ctx: CommandContext, [ref]: string[], flags: Flags): Promise<void> {
  const result = await ctx.withServices(async (svc) => {
    await confirmFromDatabase(ctx, flags.yes, svc, async (read) => ({
      action: `reject ${describePayouts(await previewPayoutsByRef(read, [ref]))}`,
      note: 'It will never be paid or recomputed (crm payout reopen undoes it).',
    }));
    return rejectPayout(svc, ref, flags.reason);
  });
  if (ctx.json) return printJson(ctx, result);
  ctx.print(`rejected ${result.reference}`);
}
