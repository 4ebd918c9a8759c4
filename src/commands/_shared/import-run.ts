/**
 * The one runner of the CSV import commands (`patient import`, `transaction import`): around the
 * core call, a progress bar fed by the import's progress and warnings, the summary as one JSON
 * document (also when --max-errors stops the import: TooManyErrorsError carries its partial
 * result), a table for people, and exit 6 when rows were rejected.
 */
import { maskText } from '../../core/audit/redact.js';
import type { BulkServiceContext } from '../../core/context.js';
import { PartialFailureError, TooManyErrorsError } from '../../core/errors.js';
import { FIRST_REJECTIONS, type RowRejection } from '../../core/imports/errors-file.js';
import type { ImportProgress } from '../../core/imports/import-pipeline.js';
import type { CommandContext } from './context.js';
import { startProgress } from './progress.js';
import { printJson, printRecord } from './render.js';

export interface ImportHooks {
  onProgress: (p: ImportProgress) => void;
  onWarning: (message: string) => void;
  onRejected: (rejection: RowRejection) => void;
}

interface ImportOutcome {
  rows: number;
  rejected: number;
  errorsFile: string | null;
  dryRun: boolean;
}

export interface ImportCommand<R extends ImportOutcome> {
  run(svc: BulkServiceContext, hooks: ImportHooks): Promise<R>;
  /** The `--json` summary: exactly the keys scripts rely on. */
  summary(result: R): Record<string, unknown>;
  /** Counts shown to people, between "rows" and "rejected". */
  counts(result: R): [string, number][];
  /** Said after "N row(s) rejected" (e.g. what kind of rejections). */
  rejectedDetail?(result: R): string;
}

export async function runImportCommand<R extends ImportOutcome>(
  ctx: CommandContext,
  command: ImportCommand<R>,
): Promise<void> {
  const progress = startProgress(ctx, 'importing');
  const hooks: ImportHooks = {
    onProgress: (p) => progress.update(p.bytesRead, p.totalBytes, `${p.rows.toLocaleString('en-NG')} rows`),
    onWarning: (m) => progress.interrupt(() => ctx.warn(m)),
    onRejected: (r) => {
      // A row told twice (the transaction import may read the file again) counts once.
      if (first.length < FIRST_REJECTIONS && !first.some((f) => f.row === r.row)) first.push(r);
    },
  };
  const first: RowRejection[] = [];
  // Without --errors, the first rejected rows and why, on stderr (values masked like any error).
  const tellRejections = (errorsFile: string | null) => {
    if (errorsFile) return;
    for (const r of first)
      ctx.io.stderr.write(
        `row ${r.row}: ${r.column} ${maskText(JSON.stringify(r.value))}: ${maskText(r.reason)}\n`,
      );
  };
  const result = await ctx
    .withServices((svc) => command.run(svc, hooks))
    .catch((error) => {
      progress.stop();
      // An import stopped by --max-errors still prints what it did before the stop.
      if (error instanceof TooManyErrorsError && ctx.json)
        printJson(ctx, command.summary(error.partial as R));
      if (error instanceof TooManyErrorsError) tellRejections((error.partial as R).errorsFile);
      throw error;
    })
    .finally(() => progress.stop());

  if (ctx.json) printJson(ctx, command.summary(result));
  else {
    await printRecord(ctx, [
      ['rows', result.rows],
      ...command.counts(result),
      ['rejected', result.rejected],
      ['errors file', result.errorsFile ?? '-'],
    ]);
    if (result.dryRun) ctx.print('dry run: nothing was written');
  }
  if (result.rejected > 0) {
    tellRejections(result.errorsFile);
    throw new PartialFailureError(
      'import_rows_rejected',
      `${result.rejected} row(s) rejected${command.rejectedDetail?.(result) ?? ''}${result.errorsFile ? `; see ${result.errorsFile}` : `${result.rejected > first.length ? `; the first ${first.length} above` : ' (above)'}; pass --errors FILE to get them all with their rows`}`,
    );
  }
}
