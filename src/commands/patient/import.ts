import { PartialFailureError } from '../../core/errors.js';
import { importPatients, TooManyErrorsError } from '../../core/patients/patient-import.service.js';
import type { CommandContext } from '../_shared/context.js';
import { intFlag } from '../_shared/flags.js';
import { startProgress } from '../_shared/progress.js';
import { printJson, printRecord } from '../_shared/render.js';

export async function run(ctx: CommandContext, [file]: string[], flags: Record<string, any>): Promise<void> {
  const maxErrors = intFlag(flags.maxErrors, '--max-errors');
  const progress = startProgress(ctx, 'importing');
  const result = await ctx
    .withDatabase((db) =>
      importPatients(db, ctx.clock, {
        file,
        hospitalCode: flags.hospital,
        maps: flags.map,
        dryRun: Boolean(flags.dryRun),
        errorsFile: flags.errors,
        maxErrors,
        batchSize: ctx.config.importBatchSize,
        actor: ctx.actor(),
        onProgress: (p) =>
          progress.update(p.bytesRead, p.totalBytes, `${p.rows.toLocaleString('en-NG')} rows`),
        onWarning: (m) => {
          progress.interrupt(() => ctx.warn(m));
        },
      }),
    )
    .catch((error) => {
      progress.stop();
      if (error instanceof TooManyErrorsError && ctx.json) printJson(ctx, summary(error.partial));
      throw error;
    })
    .finally(() => progress.stop());

  if (ctx.json) printJson(ctx, summary(result));
  else {
    await printRecord(ctx, [
      ['rows', result.rows],
      ['inserted', result.inserted],
      ['updated', result.updated],
      ['unchanged', result.unchanged],
      ['rejected', result.rejected],
      ['errors file', result.errorsFile ?? '-'],
    ]);
    if (result.dryRun) ctx.print('dry run: nothing was written');
  }
  if (result.rejected > 0) {
    throw new PartialFailureError(
      'import_rows_rejected',
      `${result.rejected} row(s) rejected${result.errorsFile ? `; see ${result.errorsFile}` : '; pass --errors FILE to get them with reasons'}`,
    );
  }
}

function summary(r: {
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  errorsFile: string | null;
}) {
  return {
    inserted: r.inserted,
    updated: r.updated,
    unchanged: r.unchanged,
    rejected: r.rejected,
    errorsFile: r.errorsFile,
  };
}
