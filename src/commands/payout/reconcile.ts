import { PartialFailureError } from '../../core/errors.js';
import { reconcilePayouts } from '../../core/payouts/reconcile-payouts.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { confirmOrRefuse } from '../_shared/prompts.js';
import { printJson, printRecord } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  errors?: string;
}

export async function run(ctx: CommandContext, [file]: string[], flags: Flags): Promise<void> {
  await confirmOrRefuse(ctx, flags.yes, {
    action: `mark payouts paid or failed from the bank confirmation ${file}`,
  });
  const result = await ctx.withServices((svc) => reconcilePayouts(svc, { file, errorsFile: flags.errors }));
  if (ctx.json) printJson(ctx, result);
  else {
    await printRecord(ctx, [
      ['rows', result.rows],
      ['paid', result.paid],
      ['already paid', result.alreadyPaid],
      ['failed at the bank', result.failed.length],
      ['not applied', result.rejected],
    ]);
    for (const f of result.failed) ctx.print(`failed: ${f.reference}${f.note ? ` (${f.note})` : ''}`);
    for (const p of result.problems)
      ctx.print(`row ${p.row}: ${p.column} ${JSON.stringify(p.value)}: ${p.reason}`);
  }
  if (result.failed.length > 0 || result.rejected > 0)
    throw new PartialFailureError(
      'reconcile_incomplete',
      `${result.failed.length} payment(s) failed at the bank and ${result.rejected} row(s) could not be applied`,
    );
}
