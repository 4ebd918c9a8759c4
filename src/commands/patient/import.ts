import { importPatients } from '../../core/patients/patient-import.service.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { intFlag } from '../_shared/flags.js';
import { runImportCommand } from '../_shared/import-run.js';

interface Flags extends GlobalFlags {
  hospital?: string;
  map?: string[];
  dryRun?: boolean;
  errors?: string;
  maxErrors?: string;
}

export async function run(ctx: CommandContext, [file]: string[], flags: Flags): Promise<void> {
  const maxErrors = intFlag(flags.maxErrors, '--max-errors');
  await runImportCommand(ctx, {
    run: (svc, hooks) =>
      importPatients(svc, {
        file,
        hospitalCode: flags.hospital,
        maps: flags.map,
        dryRun: Boolean(flags.dryRun),
        errorsFile: flags.errors,
        maxErrors,
        batchSize: ctx.config.importBatchSize,
        ...hooks,
      }),
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
