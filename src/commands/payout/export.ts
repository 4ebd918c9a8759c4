import { formatNaira } from '../../core/money.js';
import { exportPayouts } from '../../core/payouts/payout-bank.service.js';
import type { CommandContext } from '../_shared/context.js';
import { confirmOrRefuse } from '../_shared/prompts.js';
import { printJson } from '../_shared/render.js';

export async function run(ctx: CommandContext, _args: string[], flags: Record<string, any>): Promise<void> {
  await confirmOrRefuse(ctx, flags.yes, `Export the approved payouts of ${flags.period} for payment?`);
  const result = await ctx.withDatabase((db) =>
    exportPayouts(db, ctx.clock, {
      period: flags.period,
      out: flags.out,
      format: flags.format,
      includeExported: Boolean(flags.includeExported),
      actor: ctx.actor(),
    }),
  );
  if (result.csv !== null) {
    // No --out: the CSV is the output (stdout); the summary goes to stderr.
    ctx.io.stdout.write(result.csv);
    ctx.io.stderr.write(
      `exported ${result.exported} payout(s), net ${formatNaira(BigInt(result.netKobo))}\n`,
    );
    return;
  }
  const { csv: _csv, ...summary } = result;
  if (ctx.json) return printJson(ctx, summary);
  if (result.exported + result.reexported === 0)
    ctx.print(
      `nothing to export for ${result.period}: no approved payouts (use --include-exported to write exported ones again)`,
    );
  else
    ctx.print(
      `exported ${result.exported} payout(s)${result.reexported ? ` and ${result.reexported} again` : ''}, net ${formatNaira(BigInt(result.netKobo))}, to ${result.file}`,
    );
}
