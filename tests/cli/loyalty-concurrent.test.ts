/**
 * Loyalty under concurrency, with real `crm` processes on PostgreSQL or through the embedded
 * database's service (several processes at once need a server): redemptions never overdraw the balance or the stock, one source key books
 * once, and two expiry runs expire each lot once.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/database.js';
import { query, queryOne } from '../../src/core/db/sql.js';
import { addReward } from '../../src/core/loyalty/add-reward.js';
import { awardPoints } from '../../src/core/loyalty/award-points.js';
import { fixedClock } from '../../src/core/time.js';
import { jsonOf, runCli } from '../support/cli.js';
import { createTestDatabase, sharedDatabase, type TestDatabase } from '../support/db.js';
import { makeHospital, makePatient } from '../support/factories.js';
import { services } from '../support/services.js';

describe.runIf(sharedDatabase)('loyalty with concurrent processes (PostgreSQL, embedded service)', () => {
  let tdb: TestDatabase;
  let db: Database;
  let hospital: string;
  const svc = (at?: DateTime) => services(db, at ? { clock: fixedClock(at) } : {});

  beforeAll(async () => {
    tdb = await createTestDatabase();
    db = await tdb.open();
    hospital = (await makeHospital(svc())).code;
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  const times = <T>(n: number, f: (i: number) => Promise<T>) =>
    Promise.all(Array.from({ length: n }, (_, i) => f(i)));
  const balanceOf = async (id: string) =>
    Number(
      (await queryOne<{ balance: string }>(
        db.em(),
        'select balance from loyalty_account where patient_id = $1',
        [id],
      ))!.balance,
    );

  it('10 redemptions of a 500-point reward with 1,200 points: exactly 2 succeed, balance 200', {
    timeout: 300_000,
  }, async () => {
    const p = await makePatient(svc(), { hospital });
    await awardPoints(svc(), { patient: p.id, points: 1_200, reason: 'seed' });
    const reward = await addReward(svc(), { name: 'Checkup', cost: 500, minTier: 'bronze' });
    const runs = await times(10, () =>
      runCli(['loyalty', 'redeem', p.id, '--reward', reward.code, '--json'], tdb.env),
    );
    const codes = runs.map((r) => r.code).sort();
    expect(codes, runs.map((r) => r.stderr).join('')).toEqual([0, 0, 5, 5, 5, 5, 5, 5, 5, 5]);
    for (const r of runs.filter((r) => r.code === 5)) expect(r.stderr).toMatch(/insufficient points/);
    expect(await balanceOf(p.id)).toBe(200);
    const [{ n }] = await query<{ n: number }>(
      db.em(),
      'select count(*)::int as n from loyalty_redemption where patient_id = $1',
      [p.id],
    );
    expect(n).toBe(2);
  });

  it('10 awards under one idempotency key: one ledger row', { timeout: 300_000 }, async () => {
    const p = await makePatient(svc(), { hospital });
    const runs = await times(10, () =>
      runCli(
        ['loyalty', 'award', p.id, '--points', '50', '--reason', 'survey', '--key', 'survey-42', '--json'],
        tdb.env,
      ),
    );
    const results = runs.map(jsonOf);
    expect(results.filter((r) => r.points === 50)).toHaveLength(1);
    expect(results.filter((r) => r.points === 0)).toHaveLength(9);
    const [{ n }] = await query<{ n: number }>(
      db.em(),
      'select count(*)::int as n from loyalty_transactions where patient_id = $1',
      [p.id],
    );
    expect(n).toBe(1);
    expect(await balanceOf(p.id)).toBe(50);
  });

  it('a reward with stock 3 and 10 redeemers: 3 succeed, the rest are out of stock', {
    timeout: 300_000,
  }, async () => {
    const reward = await addReward(svc(), { name: 'Voucher', cost: 100, minTier: 'bronze', stock: 3 });
    const patients = await times(10, () => makePatient(svc(), { hospital }));
    for (const p of patients) await awardPoints(svc(), { patient: p.id, points: 1_000, reason: 'seed' });
    const runs = await Promise.all(
      patients.map((p) => runCli(['loyalty', 'redeem', p.id, '--reward', reward.code], tdb.env)),
    );
    expect(runs.filter((r) => r.code === 0)).toHaveLength(3);
    const refused = runs.filter((r) => r.code !== 0);
    expect(refused).toHaveLength(7);
    for (const r of refused) expect([r.code, r.stderr]).toEqual([5, expect.stringMatching(/out of stock/)]);
    const row = await queryOne<{ stock: number }>(
      db.em(),
      'select stock from loyalty_reward where code = $1',
      [reward.code],
    );
    expect(row!.stock).toBe(0);
  });

  it('two expiry runs at once expire each lot once', { timeout: 300_000 }, async () => {
    const old = DateTime.now().minus({ months: 13 });
    const patients = await times(40, () => makePatient(svc(), { hospital }));
    for (const p of patients) {
      await awardPoints(svc(old), { patient: p.id, points: 30, reason: 'old' });
      await awardPoints(svc(old.plus({ days: 1 })), { patient: p.id, points: 12, reason: 'old' });
      await awardPoints(svc(), { patient: p.id, points: 5, reason: 'new' });
    }
    const ids = patients.map((p) => p.id);
    const [a, b] = await Promise.all([
      runCli(['loyalty', 'expire', '--yes', '--json'], tdb.env),
      runCli(['loyalty', 'expire', '--yes', '--json'], tdb.env),
    ]);
    const ra = jsonOf(a);
    const rb = jsonOf(b);
    expect(ra.points + rb.points).toBe(40 * 42);
    expect(ra.lots + rb.lots).toBe(80);
    const rows = await query<{ expired: string; balance: string; left: string }>(
      db.em(),
      `select (select -coalesce(sum(points), 0) from loyalty_transactions where kind = 'expire' and patient_id = any($1::uuid[])) as expired,
              (select sum(balance) from loyalty_account where patient_id = any($1::uuid[])) as balance,
              (select sum(remaining) from loyalty_lot where patient_id = any($1::uuid[])) as left`,
      [ids],
    );
    expect(rows[0]).toEqual({ expired: String(40 * 42), balance: String(40 * 5), left: String(40 * 5) });
  });
});
