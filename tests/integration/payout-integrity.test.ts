/**
 * Money integrity of the payout cycle under bad bank files and late changes (issue 14): reconcile
 * matches amounts and dates, contradictory lines are refused, payouts move only along the states
 * the database allows, a re-run voids a payout whose contract no longer runs in the period, and a
 * period that has not ended is not paid.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { terminateContract } from '../../src/core/contracts/terminate-contract.js';
import type { Database } from '../../src/core/db/database.js';
import { query } from '../../src/core/db/sql.js';
import { ConflictError, ValidationError } from '../../src/core/errors.js';
import { approvePayouts } from '../../src/core/payouts/approve-payouts.js';
import { exportPayouts } from '../../src/core/payouts/export-payouts.js';
import { listAdjustments, showPayout } from '../../src/core/payouts/payout.queries.js';
import { reconcilePayouts } from '../../src/core/payouts/reconcile-payouts.js';
import { runPayouts } from '../../src/core/payouts/run-payouts.js';
import { fixedClock } from '../../src/core/time.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { importTransactionRows, makeContract, makeHospital } from '../support/factories.js';
import { tempPath, writeTempFile } from '../support/files.js';
import { services } from '../support/services.js';

let tdb: TestDatabase;
let db: Database;
const at = (iso: string) => fixedClock(DateTime.fromISO(iso));
const clock = at('2026-11-25T10:00:00+01:00');
const svc = (operator = 'ada', c = clock) => services(db, { clock: c, actor: { operator, command: 'test' } });

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = await tdb.open();
});
afterAll(async () => {
  await db?.close();
  await tdb?.drop();
});

/** A contract with one October payout, run by ada, approved by bola and exported: its reference and net. */
async function exportedPayout(): Promise<{ reference: string; net: string; period: string }> {
  const hospital = await makeHospital(svc());
  const contract = await makeContract(svc(), { hospital: hospital.code, frequency: 'quarterly' });
  // A quarter of its own: the other tests' payouts are not in it.
  await importTransactionRows(svc(), [{ hospital: hospital.code, at: '2026-08-10 10:00', amount: '1000' }]);
  const reference = `${contract.number}-2026-Q3`;
  await runPayouts(svc('ada'), { period: '2026-Q3' });
  await approvePayouts(svc('bola'), [reference]);
  await exportPayouts(svc('cy'), { period: '2026-Q3', out: tempPath('bank.csv') });
  const p = await showPayout(svc(), reference);
  expect(p.status).toBe('exported');
  return { reference, net: (p.netKobo / 100).toFixed(2), period: '2026-Q3' };
}

const bankFile = (...lines: string[]) =>
  writeTempFile(`reference,status,amount,paid_at,note\n${lines.join('\n')}\n`);

describe('reconcile against the bank file', () => {
  it('a line paying ₦1.00 for the payout is not applied: amount mismatch, the payout stays exported', async () => {
    const { reference, net } = await exportedPayout();
    const r = await reconcilePayouts(svc('cy'), {
      file: bankFile(`${reference},paid,1.00,2026-11-25 09:00,`),
    });
    expect(r).toMatchObject({ paid: 0, rejected: 1 });
    expect(r.problems[0]).toMatchObject({ column: 'amount', value: '₦1.00' });
    expect(r.problems[0].reason).toContain(
      `₦${Number(net).toLocaleString('en-NG', { minimumFractionDigits: 2 })}`,
    );
    expect((await showPayout(svc(), reference)).status).toBe('exported');
  });

  it('paid dates in the future or before the export are not applied', async () => {
    const { reference, net } = await exportedPayout();
    const r = await reconcilePayouts(svc('cy'), {
      file: bankFile(
        `${reference},paid,${net},2099-01-01 09:00,`,
        `${reference},paid,${net},1990-01-01 09:00,`,
      ),
    });
    // Two dates for one reference contradict each other first; each date alone is also refused.
    expect(r).toMatchObject({ paid: 0, rejected: 2 });
    const future = await reconcilePayouts(svc('cy'), {
      file: bankFile(`${reference},paid,${net},2099-01-01 09:00,`),
    });
    expect(future.problems[0]).toMatchObject({ column: 'paid_at', reason: 'is in the future' });
    const past = await reconcilePayouts(svc('cy'), {
      file: bankFile(`${reference},paid,${net},1990-01-01 09:00,`),
    });
    expect(past.problems[0].reason).toMatch(/is before the payout was exported/);
    expect((await showPayout(svc(), reference)).status).toBe('exported');
  });

  it('a failed and a paid line for one reference are both refused; identical repeated lines apply once', async () => {
    const { reference, net } = await exportedPayout();
    const both = await reconcilePayouts(svc('cy'), {
      file: bankFile(`${reference},failed,${net},,dormant`, `${reference},paid,${net},2026-11-25 09:00,`),
    });
    expect(both).toMatchObject({ paid: 0, failed: [], rejected: 2 });
    expect(both.problems.map((p) => p.reason)).toEqual([
      expect.stringContaining('contradicts row 3'),
      expect.stringContaining('contradicts row 2'),
    ]);
    expect((await showPayout(svc(), reference)).status).toBe('exported');
    const twice = await reconcilePayouts(svc('cy'), {
      file: bankFile(
        `${reference},paid,${net},2026-11-25 09:00,`,
        `${reference},paid,${net},2026-11-25 09:00,`,
      ),
    });
    expect(twice).toMatchObject({ paid: 1, alreadyPaid: 1, rejected: 0 });
  });

  it('a failed transfer makes the payout failed; a later paid line for it is not applied', async () => {
    const { reference, net } = await exportedPayout();
    const failed = await reconcilePayouts(svc('cy'), {
      file: bankFile(`${reference},failed,${net},,account dormant`),
    });
    expect(failed.failed).toEqual([{ reference, note: 'account dormant' }]);
    expect((await showPayout(svc(), reference)).status).toBe('failed');
    const paid = await reconcilePayouts(svc('cy'), {
      file: bankFile(`${reference},paid,${net},2026-11-25 09:00,`),
    });
    expect(paid.problems[0].reason).toBe('payout is failed, not exported');
  });

  it('the database allows only the documented moves: a failed payout cannot be marked paid by SQL', async () => {
    const { reference, net } = await exportedPayout();
    await reconcilePayouts(svc('cy'), { file: bankFile(`${reference},failed,${net},,closed`) });
    const direct = query(db.em(), `update payout set status = 'paid', paid_at = now() where reference = $1`, [
      reference,
    ]);
    await expect(direct).rejects.toMatchObject({ code: 'CR003' });
  });
});

describe('re-runs and periods', () => {
  it('terminate, then re-run: the payout that no longer has an active day is voided, and cannot be approved', async () => {
    const later = at('2027-01-02T09:00:00+01:00');
    const hospital = await makeHospital(svc());
    const contract = await makeContract(svc(), { hospital: hospital.code, start: '2026-12-10' });
    const first = await runPayouts(svc('ada', later), { period: '2026-12' });
    const reference = `${contract.number}-2026-12`;
    expect(first.payouts.map((p) => p.reference)).toContain(reference);
    await terminateContract(svc('ada', later), contract.number, {
      reason: 'closed',
      effective: '2026-11-30',
    });
    const rerun = await runPayouts(svc('ada', later), { period: '2026-12' });
    expect(rerun.voided).toEqual([{ reference, wasStatus: 'calculated', netKobo: expect.any(Number) }]);
    expect(rerun.payouts.map((p) => p.reference)).not.toContain(reference);
    expect((await showPayout(svc(), reference)).status).toBe('void');
    await expect(approvePayouts(svc('bola', later), [reference])).rejects.toBeInstanceOf(ConflictError);
    const again = await runPayouts(svc('ada', later), { period: '2026-12' });
    expect(again.voided).toEqual([]);
  });

  it('a period that has not ended is refused (exit 3); a dry run previews it', async () => {
    const hospital = await makeHospital(svc());
    await makeContract(svc(), { hospital: hospital.code });
    const early = runPayouts(svc('ada'), { period: '2026-11' });
    await expect(early).rejects.toBeInstanceOf(ValidationError);
    await expect(early).rejects.toMatchObject({ exitCode: 3 });
    await expect(early).rejects.toThrow(/has not ended yet \(its last day is 2026-11-30\)/);
    await expect(runPayouts(svc('ada'), { period: '2027-06' })).rejects.toThrow(/has not ended yet/);
    const preview = await runPayouts(svc('ada'), { period: '2026-11', dryRun: true });
    expect(preview.dryRun).toBe(true);
  });
});

describe('adjustments: revenue that lands in a decided period', () => {
  it('a late transaction into a paid period is an adjustment that the next calculated payout carries', async () => {
    const december = at('2026-12-05T09:00:00+01:00');
    const as = (operator: string) => svc(operator, december);
    const hospital = await makeHospital(svc());
    const contract = await makeContract(svc(), { hospital: hospital.code, share: '70', guarantee: '500000' });
    await importTransactionRows(as('ada'), [
      { hospital: hospital.code, at: '2026-10-10 10:00', amount: '1000000' },
    ]);
    const october = `${contract.number}-2026-10`;
    await runPayouts(as('ada'), { period: '2026-10' });
    await approvePayouts(as('bola'), [october]);
    await exportPayouts(as('cy'), { period: '2026-10', out: tempPath('october.csv') });
    const paid = await showPayout(as('cy'), october);
    expect(paid.payoutKobo).toBe(70_000_000);
    await reconcilePayouts(as('cy'), {
      file: bankFile(`${october},paid,${(paid.netKobo / 100).toFixed(2)},2026-12-05 08:00,`),
    });

    // ₦100,000 more October revenue arrives after the payout was paid: 70% of it is owed.
    await importTransactionRows(as('ada'), [
      { hospital: hospital.code, at: '2026-10-28 10:00', amount: '100000' },
    ]);
    const rerun = await runPayouts(as('ada'), { period: '2026-10' });
    expect(rerun.adjustments.filter((a) => a.reference === october)).toEqual([
      { reference: october, wasKobo: 70_000_000, nowKobo: 77_000_000, amountKobo: 7_000_000 },
    ]);
    expect((await showPayout(as('ada'), october)).status).toBe('paid');
    // Nothing new to record when nothing changed again.
    expect(
      (await runPayouts(as('ada'), { period: '2026-10' })).adjustments.map((a) => a.reference),
    ).not.toContain(october);

    const november = `${contract.number}-2026-11`;
    await runPayouts(as('ada'), { period: '2026-11' });
    const carrying = await showPayout(as('ada'), november);
    // November: no revenue, the ₦500,000 guarantee, plus the ₦70,000 owed; 10% tax on both.
    expect(carrying).toMatchObject({
      payoutKobo: 50_000_000,
      adjustmentKobo: 7_000_000,
      taxKobo: 5_700_000,
      netKobo: 51_300_000,
    });
    expect(await listAdjustments(as('ada'), '2026-10')).toEqual([
      expect.objectContaining({
        payout: october,
        amountKobo: 7_000_000,
        carriedBy: november,
        carriedByStatus: 'calculated',
      }),
    ]);

    // A refund into October once November is approved: the difference waits for December.
    await approvePayouts(as('bola'), [november]);
    await importTransactionRows(as('ada'), [
      { hospital: hospital.code, at: '2026-10-29 10:00', amount: '50000', kind: 'refund' },
    ]);
    const third = await runPayouts(as('ada'), { period: '2026-10' });
    expect(third.adjustments.find((a) => a.reference === october)).toMatchObject({
      wasKobo: 77_000_000,
      nowKobo: 73_500_000,
      amountKobo: -3_500_000,
    });
    const open = await listAdjustments(as('ada'), '2026-10');
    expect(open.map((a) => [a.amountKobo, a.carriedBy])).toEqual([
      [7_000_000, november],
      [-3_500_000, null],
    ]);
    const january = at('2027-01-03T09:00:00+01:00');
    await runPayouts(svc('ada', january), { period: '2026-12' });
    expect(await showPayout(svc('ada', january), `${contract.number}-2026-12`)).toMatchObject({
      adjustmentKobo: -3_500_000,
      netKobo: 50_000_000 - 3_500_000 - 4_650_000,
    });
    // The database keeps adjustments as recorded.
    await expect(query(db.em(), 'delete from payout_adjustment')).rejects.toMatchObject({ code: '42501' });
    await expect(
      query(db.em(), 'update payout_adjustment set amount_kobo = 1, now_payout_kobo = was_payout_kobo + 1'),
    ).rejects.toMatchObject({ code: 'CR003' });
  });
});
