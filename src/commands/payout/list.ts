import { listPayouts } from '../../core/payouts/payout.queries.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';
import { printPayouts } from './render.js';

interface Flags extends GlobalFlags {
  period?: string;
  status?: string;
  hospital?: string;
  contract?: string;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  const result = await ctx.withServices((svc) =>
    listPayouts(svc, {
      period: flags.period,
      status: flags.status,
      hospital: flags.hospital,
      contract: flags.contract,
    }),
  );
  if (ctx.json) return printJson(ctx, result);
  await printPayouts(ctx, result.payouts, result.totals);
}
