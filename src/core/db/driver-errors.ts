import { ConflictError, type CrmError, UnavailableError, ValidationError } from '../errors.js';

/**
 * Maps errors from PostgreSQL, the driver and MikroORM onto the error hierarchy: the database
 * guards invariants (unique keys, exclusion and check constraints), and their violations are
 * user-facing conflicts or invalid input, not crashes. Returns undefined for anything else.
 */
export function mapDriverError(error: unknown): CrmError | undefined {
  const e = error as {
    code?: string;
    constraint?: string;
    detail?: string;
    message?: string;
    cause?: unknown;
  };
  const code = e?.code ?? (e?.cause as { code?: string } | undefined)?.code;
  const constraint = e?.constraint ?? (e?.cause as { constraint?: string } | undefined)?.constraint;
  const detail = e?.detail ?? (e?.cause as { detail?: string } | undefined)?.detail;
  switch (code) {
    // The access-control rules (migration 20261202100000): who may do what, maker-checker, dual
    // approval, fixed amounts. Their messages are written for operators.
    case '42501':
      return new ConflictError('permission_denied', permissionMessage(databaseMessage(e)));
    case 'CR001':
      return new ConflictError('maker_checker', databaseMessage(e));
    case 'CR002':
      return new ConflictError('dual_approval', databaseMessage(e));
    case 'CR003':
      return new ConflictError('payout_fixed', databaseMessage(e));
    case 'CR005':
      return new ConflictError('payout_revised', databaseMessage(e));
    // Feedback rules (migration 20261203100000): what feedback may name, and the states of
    // alerts and suggestions.
    case 'CRF01':
      return new ValidationError('feedback', undefined, databaseMessage(e), 'feedback_invalid');
    case 'CRF02':
      return new ConflictError('state_transition', databaseMessage(e));
    case 'CR004':
      return new ValidationError('login', undefined, databaseMessage(e));
    case '23505':
      return new ConflictError(
        'duplicate',
        `already exists${constraint ? ` (${constraint})` : ''}${detail ? `: ${detail}` : ''}`,
      );
    case '23P01':
      return new ConflictError(
        'overlap',
        `overlaps an existing record${constraint ? ` (${constraint})` : ''}${detail ? `: ${detail}` : ''}`,
      );
    case '23514':
    case '23502':
    case '22P02':
    case '22007':
    case '22008':
    case '22003': // a number out of its column's range (bigint)
    case '22021': // a byte sequence PostgreSQL cannot store, e.g. a NUL in text
      return new ValidationError(
        constraint ?? 'value',
        undefined,
        (e.message ?? 'invalid value').split('\n')[0],
      );
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'ETIMEDOUT':
    case '57P01':
    case '57P03':
    case '3D000':
    case '28P01':
      return new UnavailableError(
        'database_unavailable',
        `database unavailable: ${(e.message ?? code).split('\n')[0]}`,
      );
    default:
      return undefined;
  }
}

/**
 * Awaits work whose refusals come from the database's rules (triggers, grants, constraints) and
 * rethrows them as the product's errors, for callers of the core API (the CLI maps them too).
 */
export async function underDatabaseRules<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw mapDriverError(error) ?? error;
  }
}

/**
 * PostgreSQL's own message, first line: MikroORM's exceptions prefix it with the statement
 * ("insert into … - message"), which the driver's original error (the cause) does not carry.
 */
function databaseMessage(e: { message?: string; cause?: unknown }): string {
  const original = (e.cause as { message?: string } | undefined)?.message ?? e.message ?? '';
  const line = original.split('\n')[0];
  const sep = line.lastIndexOf(' - ');
  return /^(insert|update|delete|select|with)\b/i.test(line) && sep >= 0 ? line.slice(sep + 3) : line;
}

/** PostgreSQL's refusal, with where to look: a login's rights are its crm_* roles. */
function permissionMessage(message: string): string {
  return /^permission denied/i.test(message)
    ? `${message}: the login's crm roles do not allow this (crm db user list)`
    : `permission denied: ${message}`;
}
