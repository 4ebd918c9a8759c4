import { importPatients, TooManyErrorsError } from '../../core/patients/patient-import.service.js';
import type { CommandContext } from '../_shared/context.js';
import { intFlag } from '../_shared/flags.js';
import { runImportCommand } from '../_shared/import-run.js';

export async function run(ctx: CommandContext, [file]: string[], flags: Record<string, any>): Promise<void> {
  const maxErrors = intFlag(flags.maxErrors, '--max-errors');
  await runImportCommand(ctx, {
    run: (db, hooks) =>
      importPatients(db, ctx.clock, {
        file,
        hospitalCode: flags.hospital,
        maps: flags.map,
        dryRun: Boolean(flags.dryRun),
        errorsFile: flags.errors,
        maxErrors,
        batchSize: ctx.config.importBatchSize,
        actor: ctx.actor(),
        ...hooks,
      }),
    partialOf: (error) => (error instanceof TooManyErrorsError ? error.partial : undefined),
    summary: (r) => ({
      inserted: r.inserted,
      updated: r.updated,
      unchanged: r.unchanged,
      rejected: r.rejected,
      errorsFile: r.errorsFile,
    }),
    counts: (r) => [
      ['inserted', r.inserted],
      ['updated', r.updated],
      ['unchanged', r.unchanged],
    ],
  });
}
