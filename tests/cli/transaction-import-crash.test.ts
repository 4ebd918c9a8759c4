import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../support/cli.js';
import { createTestDatabase, onPostgres, sqlOnce, type TestDatabase } from '../support/db.js';
import { tempPath } from '../support/files.js';

// Watching the first process's commits needs a second connection: PostgreSQL only.
describe.runIf(onPostgres)('transaction import killed with SIGKILL mid-way (PostgreSQL)', () => {
  let crashed: TestDatabase;
  let clean: TestDatabase;
  const file = tempPath('transactions.csv');
  const rows = 30_000;
  // Batches of 200 rows: the direct COPY path commits chunks of 50 batches (10,000 rows), the
  // batched path that the re-run falls back to commits every 200 rows.
  const env = { CRM_IMPORT_BATCH_SIZE: '200' };

  beforeAll(async () => {
    const lines = ['hospital,reference,occurred_at,amount,kind'];
    for (let i = 0; i < rows; i++) {
      const day = String(1 + (i % 28)).padStart(2, '0');
      const kind = i % 17 === 0 ? 'refund' : 'payment';
      lines.push(
        `${i % 2 ? 'LAG-001' : 'ABJ-001'},TX-${i},2026-10-${day} ${String(8 + (i % 12)).padStart(2, '0')}:15,${1000 + (i % 997)}.${String(i % 100).padStart(2, '0')},${kind}`,
      );
    }
    writeFileSync(file, `${lines.join('\n')}\n`);
    [crashed, clean] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    for (const tdb of [crashed, clean]) {
      for (const code of ['LAG-001', 'ABJ-001']) {
        const r = await runCli(
          ['hospital', 'add', '--code', code, '--name', code, '--state', 'Lagos', '--city', 'Lagos'],
          tdb.env,
        );
        expect(r.code).toBe(0);
      }
    }
  });
  afterAll(async () => {
    await crashed?.drop();
    await clean?.drop();
  });

  // Hospital ids differ between the two databases: hospitals are compared by code.
  const snapshot = async (tdb: TestDatabase) =>
    (
      await sqlOnce<{ n: number; total: string; digest: string }>(
        tdb,
        `select count(*)::int as n, sum(amount_kobo)::text as total,
           md5(string_agg(concat_ws('|', t.reference, h.code, t.occurred_at, t.amount_kobo, t.kind), ','
             order by t.reference)) as digest
         from hospital_transaction t join hospital h on h.id = t.hospital_id`,
      )
    )[0];

  it('a re-run loads every transaction exactly once, as one clean run does', {
    timeout: 180_000,
  }, async () => {
    const child = startCli(['transaction', 'import', file, '--json'], { ...crashed.env, ...env });
    for (let i = 0; i < 400; i++) {
      const [row] = await sqlOnce<{ n: number }>(
        crashed,
        'select count(*)::int as n from hospital_transaction',
      );
      if (row.n >= 6_000) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const partial = await snapshot(crashed);
    expect(partial.n).toBeGreaterThan(0);
    expect(partial.n).toBeLessThan(rows);

    const rerun = await runCli(['transaction', 'import', file, '--json'], { ...crashed.env, ...env });
    const once = await runCli(['transaction', 'import', file, '--json'], { ...clean.env, ...env });
    expect([rerun.code, once.code]).toEqual([0, 0]);
    expect(JSON.parse(rerun.stdout)).toMatchObject({
      inserted: rows - partial.n,
      unchanged: partial.n,
      rejected: 0,
    });
    expect(JSON.parse(once.stdout)).toMatchObject({ inserted: rows, unchanged: 0, rejected: 0 });
    const after = await snapshot(crashed);
    expect(after).toEqual(await snapshot(clean));
    expect(after.n).toBe(rows);
  });
});
