/**
 * `crm db user add|list|remove`: one PostgreSQL login per person, a member of the groups of their
 * roles. Done through SECURITY DEFINER functions of the access-control migration, so that an admin
 * who is a person (not the schema owner) can manage users without CREATEROLE of their own; the
 * functions refuse anyone who is not in crm_admin and any name that is not a crm user.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { execute, query } from '../db/sql.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { GROUPS, type Group } from './roles.js';

/** The roles operators name (`approver`), and their groups (`crm_approver`). */
export const ROLE_NAMES = GROUPS.map((g) => g.slice('crm_'.length));

export function groupsOf(roles: string): Group[] {
  const names = roles
    .split(',')
    .map((r) => r.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 0)
    throw new ValidationError('role', roles, `name at least one of ${ROLE_NAMES.join(', ')}`);
  for (const name of names)
    if (!ROLE_NAMES.includes(name)) throw new ValidationError('role', name, `use ${ROLE_NAMES.join(', ')}`);
  return [...new Set(names)].map((n) => `crm_${n}` as Group);
}

/**
 * A SCRAM-SHA-256 verifier of the password (RFC 5802/7677, as PostgreSQL stores it): the server
 * gets the verifier, never the password, so the password is in no statement text or log.
 */
export function scramVerifier(password: string, salt = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

export interface UserView {
  login: string;
  roles: string[];
  canLogin: boolean;
}

export async function listUsers(em: EntityManager): Promise<UserView[]> {
  const rows = await query<{ login: string; groups: string[]; can_login: boolean }>(
    em,
    `select u.rolname::text as login, array_agg(g.rolname::text order by g.rolname) as groups, u.rolcanlogin as can_login
       from pg_auth_members m join pg_roles g on g.oid = m.roleid join pg_roles u on u.oid = m.member
      where g.rolname = any ($1::text[]) and not u.rolsuper and u.rolname <> all ($1::text[])
      group by u.rolname, u.rolcanlogin order by u.rolname`,
    [[...GROUPS]],
  );
  return rows.map((r) => ({
    login: r.login,
    roles: r.groups.map((g) => g.slice('crm_'.length)),
    canLogin: r.can_login,
  }));
}

/** Creates the login (or sets an existing crm user's roles), audited. */
export async function setUser(
  ctx: ServiceContext,
  login: string,
  roles: string,
  password?: string,
): Promise<UserView> {
  const name = login.trim().toLowerCase();
  const groups = groupsOf(roles);
  return ctx.em.transactional(async (em) => {
    await execute(em, 'select crm_user_set($1, $2::text[], $3)', [
      name,
      groups,
      password === undefined ? null : scramVerifier(password),
    ]);
    await recordAudit(em, ctx.actor, 'user', name, {
      action: 'set',
      roles: groups.map((g) => g.slice('crm_'.length)),
      password: password === undefined ? 'unchanged' : 'set',
    });
    return (await listUsers(em)).find((u) => u.login === name)!;
  });
}

export async function removeUser(ctx: ServiceContext, login: string): Promise<void> {
  const name = login.trim().toLowerCase();
  await ctx.em.transactional(async (em) => {
    if (!(await listUsers(em)).some((u) => u.login === name)) throw new NotFoundError('user', login);
    await execute(em, 'select crm_user_remove($1)', [name]);
    await recordAudit(em, ctx.actor, 'user', name, { action: 'remove' });
  });
}
