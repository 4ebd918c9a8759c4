/**
 * Access control enforced by PostgreSQL (issue 13): per-person logins in crm_* roles, identity from
 * the connection, maker-checker and dual approval in triggers, a policy table no environment
 * changes, and an audit log that persons cannot alter and whose chain shows the owner's edits.
 * Real logins, real `crm` processes; the embedded database keeps the single-user behaviour.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/database.js';
import { jsonOf, runCli } from '../support/cli.js';
import { createTestDatabase, onPostgres, type TestDatabase } from '../support/db.js';
import { importTransactionRows, makeContract, makeHospital } from '../support/factories.js';
import { services } from '../support/services.js';

let tdb: TestDatabase;
let db: Database;
// Logins are global to the server: a suffix keeps parallel runs apart.
const suffix = `${process.pid}`;
const ada = `ada_${suffix}`;
const bola = `bola_${suffix}`;
const cy = `cy_${suffix}`;
const dayo = `dayo_${suffix}`;

/** The test database's URL with another login. */
function urlAs(login: string): string {
  const u = new URL(tdb.env.DATABASE_URL);
  u.username = login;
  u.password = '';
  return u.toString();
}
const owner = (args: string[], env: Record<string, string> = {}) => runCli(args, { ...tdb.env, ...env });
const as = (login: string, args: string[], env: Record<string, string> = {}) =>
  runCli(args, { ...tdb.env, DATABASE_URL: urlAs(login), CRM_OPERATOR: '', ...env });

/** One statement as a login, on a connection of its own; resolves to the error, if any. */
async function sqlAs(login: string, text: string): Promise<{ code?: string; message?: string } | undefined> {
  const client = new pg.Client({ connectionString: urlAs(login) });
  await client.connect();
  try {
    await client.query(text);
    return undefined;
  } catch (error) {
    return error as { code?: string; message?: string };
  } finally {
    await client.end();
  }
}

async function sqlAsOwner<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: tdb.env.DATABASE_URL });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** A period with one payout of `guarantee` naira for a fresh hospital, run by `runner`. */
async function periodWithPayout(period: string, guarantee: string, runner: string): Promise<string> {
  const svc = services(db);
  const hospital = await makeHospital(svc);
  const contract = await makeContract(svc, { hospital: hospital.code, guarantee });
  await importTransactionRows(svc, [{ hospital: hospital.code, at: `${period}-05 10:00`, amount: '1000' }]);
  const run = await as(runner, ['payout', 'run', '--period', period, '--json'], {
    CRM_NOW: '2026-12-01T09:00:00+01:00',
  });
  expect(run.code, run.stderr).toBe(0);
  return `${contract.number}-${period}`;
}

describe.skipIf(!onPostgres)(
  'access control on PostgreSQL with per-person logins',
  { timeout: 120_000 },
  () => {
    beforeAll(async () => {
      tdb = await createTestDatabase();
      db = await tdb.open();
      expect((await owner(['db', 'roles', 'apply'])).code).toBe(0);
      for (const [login, role] of [
        [ada, 'operator'],
        [bola, 'approver'],
        [cy, 'approver'],
        [dayo, 'admin'],
      ]) {
        const r = await owner(['db', 'user', 'add', login, '--role', role]);
        expect(r.code, r.stderr).toBe(0);
      }
    });
    afterAll(async () => {
      await db?.close();
      await tdb?.drop();
      for (const login of [ada, bola, cy, dayo])
        await sqlAsOwner(`drop role if exists ${login}`).catch(() => {});
    });

    it('roles apply is idempotent and lists the users with their roles', async () => {
      expect((await owner(['db', 'roles', 'apply'])).code).toBe(0);
      const users = jsonOf(await owner(['db', 'user', 'list', '--json'])).users as {
        login: string;
        roles: string[];
      }[];
      expect(users.find((u) => u.login === bola)?.roles).toEqual(['approver']);
      expect(users.find((u) => u.login === dayo)?.roles).toEqual(['admin']);
    });

    it('the operator who ran a period cannot approve (exit 5), nor name someone else (exit 2)', async () => {
      const ref = await periodWithPayout('2026-01', '500000', ada);
      const self = await as(ada, ['payout', 'approve', ref, '--yes']);
      expect(self.code).toBe(5);
      expect(self.stderr).toMatch(/permission denied/);
      const posing = await as(ada, ['payout', 'approve', ref, '--yes', '--operator', bola]);
      expect(posing.code).toBe(2);
      expect(posing.stderr).toContain(`connected to PostgreSQL as ${ada}`);
      const [payout] = await sqlAsOwner<{ status: string }>(
        'select status from payout where reference = $1',
        [ref],
      );
      expect(payout.status).toBe('calculated');
    });

    it('one approver approves a payout under the threshold; the run and approval are stamped with logins', async () => {
      const ref = await periodWithPayout('2026-02', '500000', ada);
      const r = await as(bola, ['payout', 'approve', ref, '--yes', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(jsonOf(r).payouts[0].status).toBe('approved');
      const [run] = await sqlAsOwner<{ operator: string }>(
        `select operator from payout_run where period = '2026-02'`,
      );
      expect(run.operator).toBe(ada);
      const [approval] = await sqlAsOwner<{ operator: string }>(
        'select a.operator from payout_approvals a join payout p on p.id = a.payout_id where p.reference = $1',
        [ref],
      );
      expect(approval.operator).toBe(bola);
    });

    it('above the threshold: calculated after one approver, approved after a second; the environment changes nothing', async () => {
      const ref = await periodWithPayout('2026-03', '20000000', ada);
      const lowered = { CRM_DUAL_APPROVAL_KOBO: '999999999999' };
      const first = await as(bola, ['payout', 'approve', ref, '--yes', '--json'], lowered);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toMatch(/CRM_DUAL_APPROVAL_KOBO is ignored/);
      expect(jsonOf(first).payouts[0]).toMatchObject({
        status: 'calculated',
        approvals: 1,
        requiredApprovals: 2,
      });
      // The same person again, under another spelling of the name: refused.
      expect(
        (await as(bola, ['payout', 'approve', ref, '--yes', '--operator', bola.toUpperCase()])).code,
      ).toBe(5);
      const second = await as(cy, ['payout', 'approve', ref, '--yes', '--json'], lowered);
      expect(jsonOf(second).payouts[0]).toMatchObject({ status: 'approved', approvals: 2 });
    });

    it('the database refuses a move to approved without enough approvers, whoever sends the SQL', async () => {
      const ref = await periodWithPayout('2026-04', '20000000', ada);
      expect((await as(bola, ['payout', 'approve', ref, '--yes'])).code).toBe(0);
      const direct = await sqlAs(bola, `update payout set status = 'approved' where reference = '${ref}'`);
      expect(direct?.code).toBe('CR002');
    });

    it('as an operator, direct SQL that bypasses the rules is refused by PostgreSQL', async () => {
      const ref = await periodWithPayout('2026-05', '500000', ada);
      const attempts = [
        `update payout set status = 'approved' where reference = '${ref}'`,
        'truncate audit_log',
        'alter table audit_log disable trigger all',
        'delete from audit_log',
        'update audit_log set operator = operator',
        'update audit_chain_head set seq = seq',
        "set session_replication_role = 'replica'",
        `insert into payout_approvals (payout_id, revision, decision, operator) select id, revision, 'approve', '${bola}' from payout where reference = '${ref}'`,
        `update policy set value = 1 where name = 'dual_approval_threshold_kobo'`,
      ];
      for (const text of attempts) {
        const error = await sqlAs(ada, text);
        expect(error, text).toBeDefined();
        expect(['42501', 'CR001', 'CR002'], `${text}: ${error?.message}`).toContain(error?.code);
      }
      const [payout] = await sqlAsOwner<{ status: string }>(
        'select status from payout where reference = $1',
        [ref],
      );
      expect(payout.status).toBe('calculated');
    });

    it('only an admin changes the policy; the change is audited by the database and applies at once', async () => {
      const refused = await as(bola, ['policy', 'set', 'dual-approval-threshold', '100', '--yes']);
      expect(refused.code).toBe(5);
      const set = await as(dayo, [
        'policy',
        'set',
        'dual-approval-threshold',
        '₦1,000,000',
        '--yes',
        '--json',
      ]);
      expect(set.code, set.stderr).toBe(0);
      expect(jsonOf(set)).toMatchObject({ value: '₦1,000,000.00', changedBy: dayo });
      const [audit] = await sqlAsOwner<{ operator: string; command: string; summary: { to: string } }>(
        `select operator, command, summary from audit_log where entity = 'policy' order by chain_seq desc limit 1`,
      );
      expect(audit).toMatchObject({ operator: dayo, summary: { to: '100000000' } });
      expect(audit.command).toContain('policy set dual-approval-threshold');
      // A ₦500,000+ guarantee is now above it: two approvers.
      const ref = await periodWithPayout('2026-06', '2000000', ada);
      const first = await as(bola, ['payout', 'approve', ref, '--yes', '--json']);
      expect(jsonOf(first).payouts[0]).toMatchObject({ status: 'calculated', requiredApprovals: 2 });
      expect(
        (await as(dayo, ['policy', 'set', 'dual-approval-threshold', '₦10,000,000', '--yes'])).code,
      ).toBe(0);
    });

    it('a sender may refresh the recipients statistics after a snapshot, though only the owner may ANALYZE', async () => {
      expect((await sqlAs(ada, 'analyze campaign_recipients'))?.message ?? '').toBe('');
      // Plain ANALYZE by a non-owner is skipped with a warning; through the owner's function it runs.
      const [before] = await sqlAsOwner<{ n: string }>(
        `select analyze_count::text as n from pg_stat_user_tables where relname = 'campaign_recipients'`,
      );
      expect(await sqlAs(ada, 'select campaign_recipients_analyze()')).toBeUndefined();
      await expect
        .poll(async () => {
          const [after] = await sqlAsOwner<{ n: string }>(
            `select analyze_count::text as n from pg_stat_user_tables where relname = 'campaign_recipients'`,
          );
          return Number(after.n);
        })
        .toBeGreaterThan(Number(before.n));
    });

    it('audit timestamps come from the database clock, whatever CRM_NOW says', async () => {
      const ref = await periodWithPayout('2026-07', '500000', ada);
      const before = Date.now();
      const r = await as(bola, ['payout', 'approve', ref, '--yes'], { CRM_NOW: '2020-01-01T00:00:00+01:00' });
      expect(r.code, r.stderr).toBe(0);
      const [row] = await sqlAsOwner<{ decided_at: Date; approved_at: Date; at: Date }>(
        `select a.decided_at, p.approved_at,
              (select max(at) from audit_log where entity = 'payout' and entity_id = p.id::text) as at
         from payout p join payout_approvals a on a.payout_id = p.id where p.reference = $1`,
        [ref],
      );
      for (const value of Object.values(row)) {
        expect(value.getTime()).toBeGreaterThanOrEqual(before - 5_000);
        expect(value.getTime()).toBeLessThanOrEqual(Date.now() + 5_000);
      }
    });

    it('audit verify passes on a normal history and names the first broken link after the owner edits or deletes', async () => {
      const ok = await owner(['audit', 'verify', '--json']);
      expect(ok.code, ok.stderr).toBe(0);
      expect(jsonOf(ok).ok).toBe(true);
      const [{ seq }] = await sqlAsOwner<{ seq: string }>(
        'select chain_seq::text as seq from audit_log order by chain_seq limit 1 offset 2',
      );
      await sqlAsOwner(`alter table audit_log disable trigger audit_log_append_only`);
      await sqlAsOwner(`update audit_log set summary = '{"forged": true}' where chain_seq = $1`, [seq]);
      const edited = await owner(['audit', 'verify']);
      expect(edited.code).toBe(5);
      expect(edited.stderr).toMatch(new RegExp(`broken at position ${seq} .*edited`));
      const next = String(Number(seq) + 1);
      await sqlAsOwner('delete from audit_log where chain_seq = $1', [seq]);
      const deleted = await owner(['audit', 'verify']);
      expect(deleted.code).toBe(5);
      expect(deleted.stderr).toMatch(new RegExp(`broken at position ${next} .*missing`));
      await sqlAsOwner(`alter table audit_log enable trigger audit_log_append_only`);
    });

    it('user remove drops the login; its history stays under its name', async () => {
      const extra = `eve_${suffix}`;
      expect((await owner(['db', 'user', 'add', extra, '--role', 'finance'])).code).toBe(0);
      const removed = await as(dayo, ['db', 'user', 'remove', extra, '--yes']);
      expect(removed.code, removed.stderr).toBe(0);
      const [row] = await sqlAsOwner<{ n: string }>(
        `select count(*)::text as n from pg_roles where rolname = $1`,
        [extra],
      );
      expect(row.n).toBe('0');
      expect((await as(dayo, ['db', 'user', 'remove', 'postgres', '--yes'])).code).toBe(4);
    });
  },
);

describe('a single user (the schema owner, the embedded database): declared names, normalised', {
  timeout: 120_000,
}, () => {
  let single: TestDatabase;
  const crm = (args: string[], env: Record<string, string> = {}) =>
    runCli(args, { ...single.env, CRM_NOW: '2026-12-01T09:00:00+01:00', ...env });

  beforeAll(async () => {
    single = await createTestDatabase();
  });
  afterAll(async () => {
    await single?.drop();
  });

  it('the maker cannot approve under another case or with an invisible character; the policy ignores the environment', async () => {
    // The data first, then the database closed: the embedded one admits one process at a time.
    const singleDb = await single.open();
    const svc = services(singleDb);
    const hospital = await makeHospital(svc);
    const contract = await makeContract(svc, { hospital: hospital.code });
    await importTransactionRows(svc, [{ hospital: hospital.code, at: '2026-10-05 10:00', amount: '1000' }]);
    await singleDb.close();
    expect((await crm(['payout', 'run', '--period', '2026-10', '--operator', ' Ada '])).code).toBe(0);
    const ref = `${contract.number}-2026-10`;
    const upper = await crm(['payout', 'approve', ref, '--yes', '--operator', 'ADA']);
    expect(upper.code).toBe(5);
    expect(upper.stderr).toMatch(/maker-checker rule: ada ran payout period 2026-10/);
    const hidden = await crm(['payout', 'approve', ref, '--yes', '--operator', 'ada\u200b']);
    expect(hidden.code).toBe(2);
    expect(hidden.stderr).toMatch(/invisible or control characters/);
    const viaEnv = await crm(['payout', 'approve', ref, '--yes'], { CRM_OPERATOR: 'ADA' });
    expect(viaEnv.code).toBe(5);
    const ok = await crm(['payout', 'approve', ref, '--yes', '--json', '--operator', 'Bola']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(jsonOf(ok).payouts[0]).toMatchObject({ status: 'approved', requiredApprovals: 1 });
    const audit = jsonOf(await crm(['audit', 'list', '--entity', 'payout', '--json'])).entries as {
      operator: string;
    }[];
    expect(audit.at(-1)?.operator).toBe('bola');
    expect((await crm(['audit', 'verify'])).code).toBe(0);
  });

  it('policy list shows the defaults; roles and users need PostgreSQL on the embedded database', async () => {
    const policy = jsonOf(await crm(['policy', 'list', '--json'])).policy as {
      setting: string;
      value: string;
    }[];
    expect(policy.find((p) => p.setting === 'dual-approval-threshold')?.value).toBe('₦10,000,000.00');
    expect(policy.find((p) => p.setting === 'wht-company')?.value).toBe('10%');
    if (!onPostgres) expect((await crm(['db', 'roles', 'apply'])).code).toBe(2);
  });
});
