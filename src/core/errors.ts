/**
 * The one error hierarchy of `crm`. Every error a user can cause has a stable `code` (for scripts
 * and logs), an exit code from SPEC's table and a one-line message that says what went wrong and,
 * where useful, what to run next. Anything that is not a CrmError is a bug (exit 1).
 */

import { clip, escapeControls } from './text.js';

export const ExitCode = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  invalid: 3,
  notFound: 4,
  conflict: 5,
  partial: 6,
  unavailable: 7,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class CrmError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: ExitCodeValue,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Wrong flags or arguments, or a confirmation that was not given (exit 2). */
export class UsageError extends CrmError {
  constructor(message: string, code = 'usage') {
    super(code, message, ExitCode.usage);
  }
}

/**
 * A value as an error message quotes it: JSON, a long text cut after 80 characters, so that a
 * header line of a binary file or a pasted paragraph still makes a one-line error; control
 * characters JSON leaves as they are (C1, bidirectional overrides) escaped too.
 */
export function quoteValue(value: unknown): string {
  if (typeof value === 'string' && value.length > 80)
    return `${escapeControls(JSON.stringify(`${value.slice(0, 80)}…`))}, ${value.length} characters`;
  return escapeControls(JSON.stringify(value) ?? String(value));
}

/** A value that fails validation; names the field and the value (exit 3). */
export class ValidationError extends CrmError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    reason: string,
    code = 'invalid_input',
  ) {
    super(
      code,
      `${field}: ${reason}${value === undefined ? '' : ` (got ${quoteValue(value)})`}`,
      ExitCode.invalid,
    );
  }
}

/** An id or code that names nothing (exit 4); at most 100 characters of it are quoted. */
export class NotFoundError extends CrmError {
  constructor(entity: string, ref: string, code = `${entity.replace(/ /g, '_')}_not_found`) {
    super(code, `${entity} not found: ${clip(ref)}`, ExitCode.notFound);
  }
}

/** The request clashes with the current state: double booking, already approved, duplicate key (exit 5). */
export class ConflictError extends CrmError {
  constructor(code: string, message: string) {
    super(code, message, ExitCode.conflict);
  }
}

/** The work completed but some rows were rejected or some sends failed (exit 6). */
export class PartialFailureError extends CrmError {
  constructor(code: string, message: string) {
    super(code, message, ExitCode.partial);
  }
}

/** The database or an external provider cannot be used (exit 7). */
export class UnavailableError extends CrmError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, ExitCode.unavailable, options);
  }
}

/**
 * An import stopped by `--max-errors` (exit 3): more than `maxErrors` rows were rejected, the
 * last at row `atRow`. `partial` is the import's result up to the stop (batches written before
 * stay written), which the command still prints as its summary.
 */
export class TooManyErrorsError<R = unknown> extends ValidationError {
  constructor(
    readonly maxErrors: number,
    readonly atRow: number,
    readonly partial: R,
  ) {
    super(
      '--max-errors',
      maxErrors,
      `more than ${maxErrors} rows rejected; stopped at row ${atRow} and wrote nothing from its batch onward`,
      'import_too_many_errors',
    );
  }
}
