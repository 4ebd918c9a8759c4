import { formatNaira } from '../../core/money.js';
import { outputFileProblem } from '../../core/output-files.js';
import { exportPayouts } from '../../core/payouts/export-payouts.js';
import { previewPayoutExport } from '../../core/payouts/preview-payouts.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { canPrompt, confirmFromDatabase, valueOrPrompt } from '../_shared/prompts.js';
import { printJson } from '../_shared/render.js';
import { describePayouts } from './plan.js';

interface Flags extends GlobalFlags {
  period: string;
  out?: string;
  format?: string;
  includeExported?: boolean;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  // On a terminal the bank file goes to a file, asked for here: printed, it would only scroll by
  // while the payouts were marked exported. Piped (or --json), no --out still means stdout.
  const out =
    flags.out === undefined && canPrompt(ctx)
      ? await valueOrPrompt(ctx, undefined, '--out', 'Write the bank file to (path)', {
          validate: (path) => {
            const problem = outputFileProblem(path, true);
            return problem ? `cannot be written: ${problem}` : true;
          },
        })
      : flags.out;
  const includeExported = Boolean(flags.includeExported);
  const result = await ctx.withServices(async (svc) => {
    await confirmFromDatabase(ctx, flags.yes, svc, async (read) => {
      const preview = await previewPayoutExport(read, { period: flags.period, includeExported });
      const zero = preview.zeroAmount
        ? ` (and settle ${preview.zeroAmount} payout(s) of ₦0.00 without a transfer)`
        : '';
      return {
        action: `export ${describePayouts(preview)}${zero} for payment, into ${out ?? 'stdout'}`,
        note: 'Exported payouts can no longer be unapproved.',
      };
    });
    return exportPayouts(svc, { period: flags.period, out, format: flags.format, includeExported });
  });
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
