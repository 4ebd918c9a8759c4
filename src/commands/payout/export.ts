import { formatNaira } from '../../core/money.js';
import { exportPayouts } from '../../core/payouts/export-payouts.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { confirmOrRefuse } from '../_shared/prompts.js';
import { printJson } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  period: string;
  out?: string;
  format?: string;
  includeExported?: boolean;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  await confirmOrRefuse(ctx, flags.yes, `Export the approved payouts of ${flags.period} for payment?`);
  const result = await ctx.withServices((svc) =>
    exportPayouts(svc, {
      period: flags.period,
      out: flags.out,
      format: flags.format,
      includeExported: Boolean(flags.includeExported),
    }),
  );
  // ₦0.00 payouts are never bank lines; they are listed wherever the summary goes.
  const zero =
    result.zeroAmount.length > 0
      ? `left out of the bank file, ₦0.00 (nothing to transfer; approved ones are now paid): ${result.zeroAmount.join(', ')}`
      : undefined;
  if (result.csv !== null) {
    // No --out: the CSV is the output (stdout); the summary goes to stderr.
    ctx.io.stdout.write(result.csv);
    ctx.io.stderr.write(
      `exported ${result.exported} payout(s), net ${formatNaira(BigInt(result.netKobo))}\n${zero ? `${zero}\n` : ''}`,
    );
    return;
  }
  const { csv: _csv, ...summary } = result;
  if (ctx.json) return printJson(ctx, summary);
  if (result.exported + result.reexported === 0)
    ctx.print(
      `nothing to export for ${result.period}: no approved payouts to transfer (use --include-exported to write exported ones again)`,
    );
  else
    ctx.print(
      `exported ${result.exported} payout(s)${result.reexported ? ` and ${result.reexported} again` : ''}, net ${formatNaira(BigInt(result.netKobo))}, to ${result.file}`,
    );
  if (zero) ctx.print(zero);
}
