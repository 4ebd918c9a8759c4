import {
  importTransactions,
  TooManyTransactionErrorsError,
} from '../../core/transactions/transaction-import.service.js';
import type { CommandContext } from '../_shared/context.js';
import { intFlag } from '../_shared/flags.js';
import { runImportCommand } from '../_shared/import-run.js';

export async function run(ctx: CommandContext, [file]: string[], flags: Record<string, any>): Promise<void> {
  const maxErrors = intFlag(flags.maxErrors, '--max-errors');
  await runImportCommand(ctx, {
    run: (db, hooks) =>
      importTransactions(db, ctx.clock, {
        file,
        dryRun: Boolean(flags.dryRun),
        errorsFile: flags.errors,
        maxErrors,
        batchSize: ctx.config.importBatchSize,
        actor: ctx.actor(),
        ...hooks,
      }),
    partialOf: (error) => (error instanceof TooManyTransactionErrorsError ? error.partial : undefined),
    summary: (r) => ({
      inserted: r.inserted,
      unchanged: r.unchanged,
      rejected: r.rejected,
      errorsFile: r.errorsFile,
    }),
    counts: (r) => [
      ['inserted', r.inserted],
      ['unchanged', r.unchanged],
    ],
    rejectedDetail: (r) => (r.conflicts > 0 ? ` (${r.conflicts} known reference(s) with other values)` : ''),
  });
}
