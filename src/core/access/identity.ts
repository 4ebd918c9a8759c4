/**
 * Who is acting. On PostgreSQL with per-person logins the database knows (the connection's login,
 * a member of a crm_* group): the tool takes that name and refuses `--operator` naming anyone else.
 * On a single-user setup (the schema owner's login, the embedded database) the name is declared —
 * `--operator`, CRM_OPERATOR, else the OS user — and normalised here the way the database
 * compares names (crm_normalize_operator: trimmed, lower case), with invisible characters refused
 * so that `ada` and `ada` + a zero-width space are not two people.
 */
import { UsageError } from '../errors.js';

/** Control, format (zero-width, bidi, BOM) and line/paragraph separator characters. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** A declared operator name, normalised; exit 2 when it is empty or holds invisible characters. */
export function normalizeOperator(raw: string, source: string): string {
  const name = raw.normalize('NFKC').trim().toLowerCase();
  if (name === '') throw new UsageError(`${source} is empty: say who is running this`);
  if (INVISIBLE.test(name))
    throw new UsageError(`${source} ${JSON.stringify(raw)} holds invisible or control characters`);
  if (/\s{2,}/u.test(name) || /[^\S ]/u.test(name))
    throw new UsageError(`${source} ${JSON.stringify(raw)}: use single spaces between words`);
  return name;
}

/** The connection's login, and whether it is a person's (a member of a crm_* group). */
export interface SessionIdentity {
  login: string;
  person: boolean;
}

/**
 * The operator to record: the login of a person (refusing a declared name that is someone
 * else's), else the declared name, normalised.
 */
export function resolveOperator(
  session: SessionIdentity | undefined,
  declared: { name: string; source: string; explicit: boolean },
): string {
  if (session?.person) {
    if (declared.explicit && normalizeOperator(declared.name, declared.source) !== session.login)
      throw new UsageError(
        `you are connected to PostgreSQL as ${session.login}; ${declared.source} ${JSON.stringify(declared.name)} names someone else`,
      );
    return session.login;
  }
  return normalizeOperator(declared.name, declared.source);
}
