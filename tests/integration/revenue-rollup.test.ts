import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/database.js';
import { execute, query } from '../../src/core/db/sql.js';
import { addHospital } from '../../src/core/hospitals/add-hospital.js';
import { createTestDatabase, type TestDatabase, truncateForTest } from '../support/db.js';
import { makeHospital } from '../support/factories.js';
import { services } from '../support/services.js';

/**
 * The daily revenue rollup `hospital_revenue_day` is kept by triggers on hospital_transaction
 * (migration 20261125120000): whatever SQL writes the transactions, the rollup must equal them
 * grouped by hospital and Lagos calendar day, with no row for a day without transactions.
 */

const ada = { operator: 'ada', command: 'crm test' };
let tdb: TestDatabase;
let db: Database;
const hospitals: string[] = [];

interface DayRow {
  hospital_id: string;
  day: string;
  payments_kobo: string;
  refunds_kobo: string;
  payment_count: number;
  refund_count: number;
}

const rollup = () =>
  query<DayRow>(
    db.em(),
    `select hospital_id, day::text, payments_kobo::text, refunds_kobo::text, payment_count, refund_count
     from hospital_revenue_day order by hospital_id, day`,
  );

const grouped = () =>
  query<DayRow>(
    db.em(),
    `select hospital_id, (occurred_at at time zone 'Africa/Lagos')::date::text as day,
       coalesce(sum(amount_kobo) filter (where kind = 'payment'), 0)::text as payments_kobo,
       coalesce(sum(amount_kobo) filter (where kind = 'refund'), 0)::text as refunds_kobo,
       (count(*) filter (where kind = 'payment'))::int as payment_count,
       (count(*) filter (where kind = 'refund'))::int as refund_count
     from hospital_transaction group by 1, 2 order by 1, 2`,
  );

async function expectRollupEqualsTransactions() {
  expect(await rollup()).toEqual(await grouped());
}

/** Inserts transactions given as [reference, hospital index, UTC timestamp, kobo, kind]. */
async function insert(rows: [string, number, string, number, 'payment' | 'refund'][]) {
  await execute(
    db.em(),
    `insert into hospital_transaction (reference, hospital_id, occurred_at, amount_kobo, kind)
     select * from unnest($1::text[], $2::uuid[], $3::timestamptz[], $4::bigint[], $5::text[])`,
    [
      rows.map((r) => r[0]),
      rows.map((r) => hospitals[r[1]]),
      rows.map((r) => r[2]),
      rows.map((r) => r[3]),
      rows.map((r) => r[4]),
    ],
  );
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = await tdb.open();
  for (const code of ['RLP-001', 'RLP-002', 'RLP-003'])
    hospitals.push((await makeHospital(services(db, { actor: ada }), { code, name: code })).id);
});

afterAll(async () => {
  await db?.close();
  await tdb?.drop();
});

beforeEach(async () => {
  await execute(db.em(), 'truncate hospital_transaction');
  expect(await rollup()).toEqual([]);
});

describe('hospital_revenue_day', () => {
  it('counts a transaction on its Lagos calendar day (WAT = UTC+1)', async () => {
    await insert([
      ['M1', 0, '2026-10-31T22:30:00Z', 10_000, 'payment'], // 23:30 WAT, Oct 31
      ['M2', 0, '2026-10-31T23:30:00Z', 20_000, 'payment'], // 00:30 WAT, Nov 1
      ['M3', 0, '2026-10-31T22:59:59Z', 500, 'refund'], // 23:59:59 WAT, Oct 31
      ['M4', 0, '2026-10-31T23:00:00Z', 700, 'refund'], // 00:00 WAT, Nov 1
    ]);
    expect(await rollup()).toEqual([
      {
        hospital_id: hospitals[0],
        day: '2026-10-31',
        payments_kobo: '10000',
        refunds_kobo: '500',
        payment_count: 1,
        refund_count: 1,
      },
      {
        hospital_id: hospitals[0],
        day: '2026-11-01',
        payments_kobo: '20000',
        refunds_kobo: '700',
        payment_count: 1,
        refund_count: 1,
      },
    ]);
    // Moved back across Lagos midnight: Nov 1 loses it, Oct 31 gains it.
    await execute(
      db.em(),
      `update hospital_transaction set occurred_at = '2026-10-31T22:00:00Z' where reference = 'M2'`,
    );
    const [oct31, nov1] = await rollup();
    expect(oct31).toMatchObject({ day: '2026-10-31', payments_kobo: '30000', payment_count: 2 });
    expect(nov1).toMatchObject({ day: '2026-11-01', payments_kobo: '0', payment_count: 0, refund_count: 1 });
    await expectRollupEqualsTransactions();
  });

  it('follows inserts, INSERT … SELECT, updates of every column, deletes and TRUNCATE', async () => {
    await insert([
      ['A1', 0, '2026-10-01T08:00:00Z', 100_000, 'payment'],
      ['A2', 0, '2026-10-01T09:00:00Z', 2_500, 'refund'],
      ['A3', 1, '2026-10-01T23:10:00Z', 40_000, 'payment'],
      ['A4', 2, '2026-10-02T12:00:00Z', 7_000_000_000, 'payment'],
    ]);
    await expectRollupEqualsTransactions();
    await execute(
      db.em(),
      `insert into hospital_transaction (reference, hospital_id, occurred_at, amount_kobo, kind)
       select 'copy-' || reference, hospital_id, occurred_at + interval '1 day', amount_kobo + 1, kind
       from hospital_transaction`,
    );
    await expectRollupEqualsTransactions();
    const steps = [
      `update hospital_transaction set hospital_id = '${hospitals[2]}' where reference = 'A1'`,
      `update hospital_transaction set amount_kobo = amount_kobo * 3 where reference in ('A2', 'copy-A3')`,
      `update hospital_transaction set occurred_at = occurred_at + interval '50 minutes' where reference = 'A3'`,
      `update hospital_transaction set kind = case kind when 'payment' then 'refund' else 'payment' end
         where reference like 'copy-%'`,
      `update hospital_transaction set reference = reference || '-x'`, // touches no rolled-up column
      `delete from hospital_transaction where reference = 'A4-x'`,
      `delete from hospital_transaction where hospital_id = '${hospitals[0]}'`,
    ];
    for (const step of steps) {
      await execute(db.em(), step);
      await expectRollupEqualsTransactions();
    }
    expect((await rollup()).length).toBeGreaterThan(0);
    await execute(db.em(), 'truncate hospital_transaction');
    expect(await rollup()).toEqual([]);
  });

  it('a failed statement leaves the rollup as it was', async () => {
    await insert([['F1', 0, '2026-10-05T10:00:00Z', 1_000, 'payment']]);
    await expect(
      insert([
        ['F2', 0, '2026-10-05T11:00:00Z', 2_000, 'payment'],
        ['F1', 0, '2026-10-05T12:00:00Z', 3_000, 'payment'], // duplicate reference
      ]),
    ).rejects.toThrow();
    await expectRollupEqualsTransactions();
    expect(await rollup()).toMatchObject([{ payments_kobo: '1000', payment_count: 1 }]);
  });

  it('equals the grouped transactions after any sequence of writes (property)', async () => {
    // Times within a few hours of the Lagos midnights around Oct 31 / Nov 1, so that moves and
    // inserts keep crossing day boundaries.
    const base = Date.parse('2026-10-31T23:00:00Z');
    const row = fc.record({
      hospital: fc.integer({ min: 0, max: 2 }),
      minutes: fc.integer({ min: -30 * 60, max: 30 * 60 }),
      amount: fc.integer({ min: 1, max: 5_000_000 }),
      refund: fc.boolean(),
    });
    const subset = fc.record({ mod: fc.integer({ min: 1, max: 4 }), rem: fc.integer({ min: 0, max: 3 }) });
    const op = fc.oneof(
      fc.record({
        type: fc.constant('insert' as const),
        rows: fc.array(row, { minLength: 1, maxLength: 8 }),
      }),
      fc.record({
        type: fc.constant('insertSelect' as const),
        subset,
        shiftMinutes: fc.integer({ min: -600, max: 600 }),
      }),
      fc.record({ type: fc.constant('delete' as const), subset }),
      fc.record({
        type: fc.constant('moveHospital' as const),
        subset,
        hospital: fc.integer({ min: 0, max: 2 }),
      }),
      fc.record({ type: fc.constant('amount' as const), subset, factor: fc.integer({ min: 1, max: 7 }) }),
      fc.record({
        type: fc.constant('time' as const),
        subset,
        shiftMinutes: fc.integer({ min: -600, max: 600 }),
      }),
      fc.record({ type: fc.constant('kind' as const), subset }),
    );
    let counter = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
        await execute(db.em(), 'truncate hospital_transaction');
        for (const o of ops) {
          const where = 'subset' in o ? `where id % ${o.subset.mod} = ${o.subset.rem % o.subset.mod}` : '';
          switch (o.type) {
            case 'insert':
              await insert(
                o.rows.map((r) => [
                  `P${++counter}`,
                  r.hospital,
                  new Date(base + r.minutes * 60_000).toISOString(),
                  r.amount,
                  r.refund ? 'refund' : 'payment',
                ]),
              );
              break;
            case 'insertSelect':
              await execute(
                db.em(),
                `insert into hospital_transaction (reference, hospital_id, occurred_at, amount_kobo, kind)
                 select 'S${++counter}-' || id, hospital_id, occurred_at + ${o.shiftMinutes} * interval '1 minute',
                   amount_kobo, kind
                 from hospital_transaction ${where}`,
              );
              break;
            case 'delete':
              await execute(db.em(), `delete from hospital_transaction ${where}`);
              break;
            case 'moveHospital':
              await execute(
                db.em(),
                `update hospital_transaction set hospital_id = '${hospitals[o.hospital]}' ${where}`,
              );
              break;
            case 'amount':
              await execute(
                db.em(),
                `update hospital_transaction set amount_kobo = 1 + (amount_kobo * ${o.factor}) % 9000000 ${where}`,
              );
              break;
            case 'time':
              await execute(
                db.em(),
                `update hospital_transaction set occurred_at = occurred_at + ${o.shiftMinutes} * interval '1 minute' ${where}`,
              );
              break;
            case 'kind':
              await execute(
                db.em(),
                `update hospital_transaction
                 set kind = case kind when 'payment' then 'refund' else 'payment' end ${where}`,
              );
              break;
          }
          expect(await rollup()).toEqual(await grouped());
        }
      }),
      { numRuns: 20 },
    );
  });

  it('is backfilled from existing transactions when the migration runs, and removed by its down()', async () => {
    await insert([
      ['B1', 0, '2026-10-31T22:30:00Z', 10_000, 'payment'],
      ['B2', 1, '2026-10-31T23:30:00Z', 20_000, 'refund'],
    ]);
    const migrator = db.orm.getMigrator();
    // Every migration from the rollup's on is reverted (later ones stand on it), then re-applied.
    const reverted = (await migrator.down({ to: 'Migration20261125120000_revenue_rollup' })).map(
      (m) => m.name,
    );
    expect(reverted.at(-1)).toBe('Migration20261125120000_revenue_rollup');
    expect(reverted).toContain('Migration20261125130000_transaction_copy');
    const [{ exists }] = await query<{ exists: boolean }>(
      db.em(),
      `select to_regclass('hospital_revenue_day') is not null as exists`,
    );
    expect(exists).toBe(false);
    // Written while no trigger exists: only the backfill can count these.
    await insert([
      ['B3', 1, '2026-10-31T23:45:00Z', 5_000, 'payment'],
      ['B4', 2, '2026-11-01T10:00:00Z', 7_000, 'payment'],
    ]);
    expect((await migrator.up()).map((m) => m.name)).toEqual([...reverted].reverse());
    expect(await rollup()).toHaveLength(3);
    await expectRollupEqualsTransactions();
  });
});

// Migration 20261125130000: the rollup's foreign key to hospital stands in for the per-row one of
// hospital_transaction (dropped to make the import's COPY cheaper). The guarantees must hold.
describe('hospital_transaction → hospital, guarded through the rollup', () => {
  it('refuses a transaction of an unknown hospital, in any statement', async () => {
    const error = await execute(
      db.em(),
      `insert into hospital_transaction (reference, hospital_id, occurred_at, amount_kobo, kind)
       values ('X1', gen_random_uuid(), now(), 100, 'payment')`,
    ).catch((e) => e);
    expect(error.code).toBe('23503'); // foreign_key_violation
    await insert([['X2', 0, '2026-10-01T10:00:00Z', 100, 'payment']]);
    const moved = await execute(
      db.em(),
      `update hospital_transaction set hospital_id = gen_random_uuid() where reference = 'X2'`,
    ).catch((e) => e);
    expect(moved.code).toBe('23503');
    expect(await query(db.em(), 'select reference from hospital_transaction')).toEqual([{ reference: 'X2' }]);
    await expectRollupEqualsTransactions();
  });

  it('keeps a hospital with transactions from being deleted; without them it can go', async () => {
    const added = await addHospital(services(db, { actor: ada }), {
      code: 'RLP-009',
      name: 'x',
      state: 'Lagos',
      city: 'Lagos',
    });
    const extra = added.id;
    await execute(
      db.em(),
      `insert into hospital_transaction (reference, hospital_id, occurred_at, amount_kobo, kind)
       values ('X3', $1, now(), 100, 'payment')`,
      [extra],
    );
    const error = await execute(db.em(), 'delete from hospital where id = $1', [extra]).catch((e) => e);
    expect(error.code).toBe('23503');
    await execute(db.em(), `delete from hospital_transaction where reference = 'X3'`);
    await execute(db.em(), 'delete from hospital where id = $1', [extra]);
    await expectRollupEqualsTransactions();
  });

  // Last in the file: it empties the hospitals the other tests use.
  it('TRUNCATE hospital … CASCADE takes the transactions along, as the foreign key cascade did', async () => {
    await insert([
      ['X4', 0, '2026-10-01T10:00:00Z', 100, 'payment'],
      ['X5', 1, '2026-10-02T10:00:00Z', 200, 'refund'],
    ]);
    await truncateForTest(db.em(), 'truncate hospital cascade');
    expect(await query(db.em(), 'select reference from hospital_transaction')).toEqual([]);
    expect(await rollup()).toEqual([]);
  });
});
