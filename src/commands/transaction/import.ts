import { PartialFailureError } from '../../core/errors.js';
import {
  importTransactions,
  TooManyTransactionErrorsError,
  type TransactionImportSummary,
} from '../../core/transactions/transaction-import.service.js';
import type { CommandContext } from '../_shared/context.js';
import { intFlag } from '../_shared/flags.js';
import { startProgress } from '../_shared/progress.js';
import { printJson, printRecord } from '../_shared/render.js';

function summary(r: TransactionImportSummary): TransactionImportSummary {
  return { inserted: r.inserted, unchanged: r.unchanged, rejected: r.rejected, errorsFile: r.errorsFile };
}

export async function run(ctx: CommandContext, [file]: string[], flags: Record<string, any>): Promise<void> {
  const maxErrors = intFlag(flags.maxErrors, '--max-errors');
  const progress = startProgress(ctx, 'importing');
  const result = await ctx
    .withDatabase((db) =>
      importTransactions(db, ctx.clock, {
        file,
        dryRun: Boolean(flags.dryRun),
        errorsFile: flags.errors,
        maxErrors,
        batchSize: ctx.config.importBatchSize,
        actor: ctx.actor(),
        onProgress: (p) =>
          progress.update(p.bytesRead, p.totalBytes, `${p.rows.toLocaleString('en-NG')} rows`),
        onWarning: (m) => progress.interrupt(() => ctx.warn(m)),
      }),
    )
    .catch((error) => {
      progress.stop();
      if (error instanceof TooManyTransactionErrorsError && ctx.json) printJson(ctx, summary(error.partial));
      throw error;
    })
    .finally(() => progress.stop());
  if (ctx.json) printJson(ctx, summary(result));
  else {
    await printRecord(ctx, [
      ['rows', result.rows],
      ['inserted', result.inserted],
      ['unchanged', result.unchanged],
      ['rejected', result.rejected],
      ['errors file', result.errorsFile ?? '-'],
    ]);
    if (result.dryRun) ctx.print('dry run: nothing was written');
  }
  if (result.rejected > 0) {
    throw new PartialFailureError(
      'import_rows_rejected',
      `${result.rejected} row(s) rejected${result.conflicts > 0 ? ` (${result.conflicts} known reference(s) with other values)` : ''}${result.errorsFile ? `; see ${result.errorsFile}` : '; pass --errors FILE to get them with reasons'}`,
    );
  }
}
