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
