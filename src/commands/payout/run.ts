import { formatNaira } from '../../core/money.js';
import { runPayouts } from '../../core/payouts/run-payouts.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson, printSummary } from '../_shared/render.js';
import { printPayouts } from './render.js';

interface Flags extends GlobalFlags {
  period: string;
  dryRun?: boolean;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  const result = await ctx.withServices((svc) =>
    runPayouts(svc, { period: flags.period, dryRun: Boolean(flags.dryRun) }),
  );
  if (ctx.json) return printJson(ctx, result);
  await printPayouts(ctx, result.payouts, result.totals);
  printSummary(
    ctx,
    `${result.dryRun ? 'dry run, nothing written — would create' : 'created'} ${result.created}, ${result.dryRun ? 'update' : 'updated'} ${result.updated}, unchanged ${result.unchanged}, kept ${result.kept} (approved, exported, paid or rejected)`,
  );
  for (const a of result.adjustments)
    printSummary(
      ctx,
      `${result.dryRun ? 'would record' : 'recorded'} an adjustment for ${a.reference}: ${a.amountKobo > 0 ? '+' : ''}${formatNaira(BigInt(a.amountKobo))} (decided ${formatNaira(BigInt(a.wasKobo))}, now ${formatNaira(BigInt(a.nowKobo))}); the contract's next calculated payout carries it`,
    );
  for (const v of result.voided)
    printSummary(
      ctx,
      `${result.dryRun ? 'would void' : 'voided'} ${v.reference} (was ${v.wasStatus}): its contract has no active day in ${result.period} any more`,
    );
}
