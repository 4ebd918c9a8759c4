import { importTransactions } from '../../core/transactions/transaction-import.service.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { intFlag } from '../_shared/flags.js';
import { runImportCommand } from '../_shared/import-run.js';

interface Flags extends GlobalFlags {
  dryRun?: boolean;
  errors?: string;
  maxErrors?: string;
}

export async function run(ctx: CommandContext, [file]: string[], flags: Flags): Promise<void> {
  const maxErrors = intFlag(flags.maxErrors, '--max-errors');
  await runImportCommand(ctx, {
    run: (svc, hooks) =>
      importTransactions(svc, {
        file,
        dryRun: Boolean(flags.dryRun),
        errorsFile: flags.errors,
        maxErrors,
        batchSize: ctx.config.importBatchSize,
        ...hooks,
      }),
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
