import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { createTestDatabase, sharedDatabase, sqlOnce, type TestDatabase } from '../support/db.js';
import { tempPath } from '../support/files.js';

/**
 * Two `crm transaction import` processes started together on overlapping files: the direct COPY
 * path of each commits chunks until it meets the other's references, then finishes through the
 * batched path. Every reference must land exactly once, the two summaries must add up to the
 * file, and the daily rollup must equal the transactions. Several processes: PostgreSQL only.
 */
describe.runIf(sharedDatabase)('two transaction imports at once', () => {
  let tdb: TestDatabase;
  const rows = 40_000;
  const fileA = tempPath('concurrent-a.csv');
  const fileB = tempPath('concurrent-b.csv');
  // Chunks of 50 × 100 = 5,000 rows for the direct path, batches of 100 for the batched one.
  const env = { CRM_IMPORT_BATCH_SIZE: '100' };

  beforeAll(async () => {
    const line = (i: number) =>
      `${i % 3 ? 'LAG-001' : 'ABJ-001'},CC-${i},2026-10-${String(1 + (i % 28)).padStart(2, '0')} ${String(i % 24).padStart(2, '0')}:05,${100 + (i % 900)}.25,${i % 13 ? 'payment' : 'refund'}`;
    const header = 'hospital,reference,occurred_at,amount,kind';
    const all = Array.from({ length: rows }, (_, i) => line(i));
    // A is the whole file in order; B is the same rows from the other end.
    writeFileSync(fileA, `${header}\n${all.join('\n')}\n`);
    writeFileSync(fileB, `${header}\n${[...all].reverse().join('\n')}\n`);
    tdb = await createTestDatabase();
    for (const code of ['LAG-001', 'ABJ-001'])
      jsonOf(
        await runCli(
          [
            'hospital',
            'add',
            '--code',
            code,
            '--name',
            code,
            '--state',
            'Lagos',
            '--city',
            'Lagos',
            '--json',
          ],
          tdb.env,
        ),
      );
  });
  afterAll(async () => {
    await tdb?.drop();
  });

  // runCli starts the process at once: both imports run at the same time.
  const run = (file: string) => runCli(['transaction', 'import', file, '--json'], { ...tdb.env, ...env });

  it('loads every reference once and the two summaries add up to the file', {
    timeout: 180_000,
  }, async () => {
    const [a, b] = await Promise.all([run(fileA), run(fileB)]);
    const sa = jsonOf(a);
    const sb = jsonOf(b);
    expect(sa.rejected + sb.rejected).toBe(0);
    expect(sa.inserted + sb.inserted).toBe(rows);
    expect(sa.inserted + sa.unchanged).toBe(rows);
    expect(sb.inserted + sb.unchanged).toBe(rows);

    const [{ n, distinct }] = await sqlOnce<{ n: number; distinct: number }>(
      tdb,
      'select count(*)::int as n, count(distinct reference)::int as distinct from hospital_transaction',
    );
    expect([n, distinct]).toEqual([rows, rows]);
    const [{ mismatches }] = await sqlOnce<{ mismatches: number }>(
      tdb,
      `select count(*)::int as mismatches from (
         select hospital_id, day, payments_kobo, refunds_kobo, payment_count, refund_count from hospital_revenue_day
         except
         select hospital_id, (occurred_at at time zone 'Africa/Lagos')::date,
           coalesce(sum(amount_kobo) filter (where kind = 'payment'), 0), coalesce(sum(amount_kobo) filter (where kind = 'refund'), 0),
           count(*) filter (where kind = 'payment'), count(*) filter (where kind = 'refund')
         from hospital_transaction group by 1, 2) x`,
    );
    expect(mismatches).toBe(0);
    const [{ days }] = await sqlOnce<{ days: number }>(
      tdb,
      'select count(*)::int as days from hospital_revenue_day',
    );
    expect(days).toBe(2 * 28);
  });
});
