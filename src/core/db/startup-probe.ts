/**
 * What every command asks a database first, whichever client asks it (MikroORM's connection in
 * database.ts, or the plain `pg` connection of a read in reader.ts): who is connected and which
 * migrations are applied. No MikroORM here: a read that skips it loads this module.
 */
import { migrationNames } from '../../../migrations/names.js';
import type { SessionIdentity } from '../access/identity.js';
import { maskText } from '../audit/redact.js';
import { UnavailableError } from '../errors.js';

export const MIGRATIONS_TABLE = 'mikro_orm_migrations';

export interface StartupFacts {
  applied: Set<string>;
  session: SessionIdentity | undefined;
}

/** Runs one statement and returns its rows (a driver's own error on failure, `code` its SQLSTATE). */
export type ExecuteRows = <T>(text: string) => Promise<T[]>;

function sqlState(error: unknown): string | undefined {
  return (error as { code?: string }).code;
}

/**
 * The first statement a PostgreSQL command sends, in place of a bare `select 1`: connecting
 * (connection errors surface here), who is connected (core/access/identity.ts) and which
 * migrations are applied, in one round trip instead of three. Before the access-control migration
 * (no `crm_session_is_person`), or before any (no migrations table), it asks what it can.
 * `withSession` false (the embedded database: one user, the tool itself) asks only the migrations.
 */
export async function probeStartup(execute: ExecuteRows, withSession = true): Promise<StartupFacts> {
  const applied = `array(select name from ${MIGRATIONS_TABLE})::text[] as applied`;
  if (withSession)
    try {
      const [row] = await execute<{ login: string; person: boolean; applied: string[] }>(
        `select session_user::text as login, crm_session_is_person() as person, ${applied}`,
      );
      return { applied: new Set(row.applied), session: { login: row.login, person: row.person } };
    } catch (error) {
      // undefined_function / undefined_table: a database not (fully) migrated yet.
      if (sqlState(error) !== '42883' && sqlState(error) !== '42P01') throw error;
    }
  try {
    const [row] = await execute<{ applied: string[] }>(`select ${applied}`);
    return { applied: new Set(row.applied), session: undefined };
  } catch (error) {
    // undefined_table, from pg and from PGlite alike: nothing was ever migrated here.
    if (sqlState(error) !== '42P01') throw error;
    return { applied: new Set(), session: undefined };
  }
}

/** Whether a migration of migrations/names.ts is not recorded as applied. */
export function someNotApplied(applied: Set<string>): boolean {
  return migrationNames.some((name) => !applied.has(name));
}

/** A failure to connect to PostgreSQL as the command reports it (exit 7), the URL's secrets masked. */
export function describeConnectionError(error: unknown, url: string): UnavailableError {
  // maskText, not a pattern of its own: a password may hold '@', ':' or '/'.
  const safeUrl = maskText(url);
  const reason = maskText((error as Error).message?.split('\n')[0] ?? String(error));
  // invalid_catalog_name: crm never creates a database (it would be empty: a typo in the URL
  // would look like a network with no data), so the operator is told how to.
  const missing = (error as { code?: string }).code === '3D000';
  const hint = missing
    ? `; create it first (\`createdb ${decodeURIComponent(new URL(url).pathname.slice(1))}\` or CREATE DATABASE), then run \`crm db migrate\``
    : '';
  return new UnavailableError(
    missing ? 'database_missing' : 'database_unavailable',
    `cannot connect to PostgreSQL at ${safeUrl}: ${reason}${hint}`,
    { cause: error },
  );
}
