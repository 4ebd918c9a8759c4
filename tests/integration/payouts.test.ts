import { existsSync, readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Actor } from '../../src/core/audit/audit.js';
import type { Config } from '../../src/core/config.js';
import { activateContract } from '../../src/core/contracts/activate-contract.js';
import { showContract } from '../../src/core/contracts/contract.queries.js';
import { listMilestones } from '../../src/core/contracts/contract-milestones.js';
import { createContract } from '../../src/core/contracts/create-contract.js';
import { editContract } from '../../src/core/contracts/edit-contract.js';
import { expireDueContracts } from '../../src/core/contracts/expire-due-contracts.js';
import { terminateContract } from '../../src/core/contracts/terminate-contract.js';
import type { Database } from '../../src/core/db/database.js';
import { query } from '../../src/core/db/sql.js';
import { ConflictError } from '../../src/core/errors.js';
import { approvePayouts } from '../../src/core/payouts/approve-payouts.js';
import { exportPayouts } from '../../src/core/payouts/export-payouts.js';
import { listPayouts, showPayout } from '../../src/core/payouts/payout.queries.js';
import { reconcilePayouts } from '../../src/core/payouts/reconcile-payouts.js';
import { rejectPayout } from '../../src/core/payouts/reject-payout.js';
import { runPayouts } from '../../src/core/payouts/run-payouts.js';
import { fixedClock } from '../../src/core/time.js';
import { importTransactions } from '../../src/core/transactions/transaction-import.service.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { makeHospital, makeOwner } from '../support/factories.js';
import { tempPath, writeTempFile } from '../support/files.js';
import { services } from '../support/services.js';
import { storyTests } from '../support/steps.js';

const clock = fixedClock(DateTime.fromISO('2026-11-25T10:00:00+01:00'));
const ada = { operator: 'ada', command: 'crm test' };
const bola = { operator: 'bola', command: 'crm test' };
const chidi = { operator: 'chidi', command: 'crm test' };
let tdb: TestDatabase;
let db: Database;
let config: Config;

// The tests below are one story (contracts, transactions, payouts, approvals, export, reconcile):
// each builds on the data the earlier ones left, and runs them first when it runs alone.
const it = storyTests();

const HEADER = 'hospital,reference,occurred_at,amount,kind\n';

async function importCsv(body: string, errorsFile?: string) {
  return importTransactions(services(db, { actor: ada, clock }), {
    file: writeTempFile(HEADER + body),
    errorsFile,
  });
}

/** The services of the payout tests: the fixed clock, the test config, `actor` acting. */
function svc(actor: Actor = ada) {
  return services(db, { config, clock, actor });
}

async function payout(reference: string) {
  return showPayout(svc(), reference);
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = await tdb.open();
  config = tdb.config;
  for (const code of ['LAG-001', 'ABJ-001', 'KAN-001'])
    await makeHospital(services(db, { actor: ada }), { code, name: code });
  await makeOwner(services(db, { actor: ada }), { name: 'Adebayo Holdings Ltd', email: 'ops@adebayo.ng' });
  // A name that a spreadsheet would run as a formula: the export must neutralise it.
  await makeOwner(services(db, { actor: ada }), {
    name: '=Okoro Care',
    kind: 'person',
    email: 'okoro@example.ng',
    taxType: 'individual',
  });
});

afterAll(async () => {
  await db?.close();
  await tdb?.drop();
});

describe('contracts', () => {
  it('creates drafts, edits only drafts, refuses overlaps in code and in the database', async () => {
    const a = await createContract(services(db, { actor: ada, clock }), {
      owner: 'ops@adebayo.ng',
      hospital: 'LAG-001',
      share: '70',
      guarantee: '500000',
      frequency: 'monthly',
      start: '2026-10-16',
    });
    expect(a).toMatchObject({ number: 'CT-2026-0001', status: 'draft', shareBasisPoints: 7000 });
    expect(a.guaranteeKobo).toBe(50_000_000);
    const activated = await activateContract(services(db, { actor: ada, clock }), a.number);
    expect(activated.status).toBe('active');
    // Open-ended: 3 years of reviews, 12 quarterly and 3 annual.
    expect(activated.milestones).toBe(15);
    await expect(
      editContract(services(db, { actor: ada, clock }), a.number, { share: '60' }),
    ).rejects.toThrow(/only a draft can be edited/);

    const b = await createContract(services(db, { actor: ada, clock }), {
      owner: 'okoro@example.ng',
      hospital: 'LAG-001',
      share: '50',
      guarantee: '0',
      frequency: 'quarterly',
      start: '2026-12-01',
      end: '2027-11-30',
    });
    const refusal = activateContract(services(db, { actor: ada, clock }), b.number);
    await expect(refusal).rejects.toBeInstanceOf(ConflictError);
    await expect(refusal).rejects.toThrow(/CT-2026-0001/);
    // Bypassing the service: the exclusion constraint still refuses the second contract in force.
    await expect(
      query(db.em(), `update contract set status = 'active' where number = $1`, [b.number]),
    ).rejects.toMatchObject({ code: '23P01' });
    const draft = await editContract(services(db, { actor: ada, clock }), b.number, {
      hospital: 'KAN-001',
      end: 'none',
    });
    expect(draft).toMatchObject({ hospital: 'KAN-001', endDate: null, status: 'draft' });
  });

  it('activates a past contract as expired, expires due contracts, terminates with a reason', async () => {
    const past = await createContract(services(db, { actor: ada, clock }), {
      owner: 'okoro@example.ng',
      hospital: 'ABJ-001',
      share: '50',
      guarantee: '0',
      frequency: 'monthly',
      start: '2025-01-01',
      end: '2025-12-31',
    });
    expect((await activateContract(services(db, { actor: ada, clock }), past.number)).status).toBe('expired');

    const abj = await createContract(services(db, { actor: ada, clock }), {
      owner: 'okoro@example.ng',
      hospital: 'ABJ-001',
      share: '50',
      guarantee: '0',
      frequency: 'monthly',
      start: '2026-01-01',
      end: '2026-12-31',
      terms: '15',
    });
    await activateContract(services(db, { actor: ada, clock }), abj.number);
    const later = fixedClock(DateTime.fromISO('2027-01-01T00:30:00+01:00'));
    const first = await expireDueContracts(services(db, { actor: ada, clock: later }));
    expect(first.expired).toEqual([abj.number]);
    expect((await expireDueContracts(services(db, { actor: ada, clock: later }))).expired).toEqual([]);
    // Back to active for the payout tests below (the run treats ended contracts alike anyway).
    await query(db.em(), `update contract set status = 'active' where number = $1`, [abj.number]);

    const kan = await createContract(services(db, { actor: ada, clock }), {
      owner: 'ops@adebayo.ng',
      hospital: 'KAN-001',
      share: '40',
      guarantee: '100000',
      frequency: 'quarterly',
      start: '2026-01-01',
    });
    await activateContract(services(db, { actor: ada, clock }), kan.number);
    const ended = await terminateContract(services(db, { actor: ada, clock }), kan.number, {
      reason: 'owner sold the hospital',
      effective: '2026-08-15',
    });
    expect(ended).toMatchObject({ status: 'terminated', terminatedOn: '2026-08-15' });
    const milestones = await listMilestones(services(db, { clock }), { contract: kan.number, all: true });
    expect(milestones.filter((m) => m.dueDate > '2026-08-15').every((m) => m.status === 'cancelled')).toBe(
      true,
    );
    expect(milestones.find((m) => m.dueDate === '2026-04-01')?.status).toBe('overdue');
  });
});

describe('transaction import', () => {
  it('is idempotent on reference, rejects a known reference with other values, reads Lagos time', async () => {
    const rows =
      'LAG-001,T1,2026-10-15 12:00,1000000,payment\n' + // before the contract starts
      'LAG-001,T2,2026-10-16 00:30,200000,payment\n' +
      'LAG-001,T3,2026-10-31 23:30,"100,000.50",payment\n' + // last evening of October (Lagos)
      'LAG-001,T4,2026-11-01 00:30,50000,payment\n' + // first morning of November
      'LAG-001,T5,2026-10-20T09:00:00+01:00,20000,refund\n' +
      'ABJ-001,A1,2026-10-05 10:00,30000000.03,payment\n';
    expect(await importCsv(rows)).toMatchObject({ inserted: 6, unchanged: 0, rejected: 0 });
    expect(await importCsv(rows)).toMatchObject({ inserted: 0, unchanged: 6, rejected: 0 });
    const stored = await query<{ reference: string; at: string }>(
      db.em(),
      `select reference, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI') as at
       from hospital_transaction where reference in ('T3', 'T4') order by reference`,
    );
    expect(stored).toEqual([
      { reference: 'T3', at: '2026-10-31T22:30' },
      { reference: 'T4', at: '2026-10-31T23:30' },
    ]);

    const errors = tempPath('tx-errors.csv');
    const conflicting = await importCsv(
      'LAG-001,T2,2026-10-16 00:30,200000.01,payment\n' +
        'LAG-001,T6,2026-10-21 10:00,10,payment\n' +
        'LAG-001,T6,2026-10-21 10:00,10,payment\n' + // the same row twice: unchanged
        'LAG-001,T7,2026-10-22 10:00,10,payment\n' +
        'LAG-001,T7,2026-10-22 10:00,11,payment\n' + // same reference, other amount
        'LAG-001,T8,2026-10-22 10:00,-5,payment\n',
      errors,
    );
    expect(conflicting).toMatchObject({ inserted: 2, unchanged: 1, rejected: 3, errorsFile: errors });
    const text = readFileSync(errors, 'utf8');
    expect(text).toMatch(/reference T2 was imported before with amount ₦200,000\.00/);
    expect(text).toMatch(/appears earlier in the file \(row 5\)/);
    expect(text).toMatch(/must not be negative/);
    const [{ amount }] = await query<{ amount: string }>(
      db.em(),
      `select amount_kobo::text as amount from hospital_transaction where reference = 'T2'`,
    );
    expect(amount).toBe('20000000');
    // Clean up the extra rows so the payout arithmetic below stays as written.
    await query(db.em(), `delete from hospital_transaction where reference in ('T6', 'T7')`);
  });
});

describe('payouts', () => {
  it('dry run shows the calculation and writes nothing', async () => {
    const plan = await runPayouts(svc(ada), { period: '2026-10', dryRun: true });
    expect(plan.created).toBe(2);
    expect(await listPayouts(svc(), { period: '2026-10' })).toMatchObject({ payouts: [] });
  });

  it('computes every payout of the period exactly and re-runs without duplicating', async () => {
    const run = await runPayouts(svc(ada), { period: '2026-10' });
    expect(run.created).toBe(2);
    const lag = run.payouts.find((p) => p.hospital === 'LAG-001')!;
    // Gross = 200,000 + 100,000.50 − 20,000 = ₦280,000.50 (T1 precedes the start, T4 is November).
    // Share 70% = 19,600,035 kobo; platform = 8,400,015.
    // Guarantee ₦500,000 × 16/31 active days = 25,806,451.61… → 25,806,452 kobo.
    // Payout = max(share, guarantee) = 25,806,452; top-up = 6,206,417.
    // Tax 10% (company) = 2,580,645.2 → 2,580,645; net = 23,225,807. Due 2026-10-31 + 30 days.
    expect(lag).toMatchObject({
      grossRevenueKobo: 28_000_050,
      ownerShareKobo: 19_600_035,
      platformShareKobo: 8_400_015,
      guaranteeKobo: 25_806_452,
      topUpKobo: 6_206_417,
      payoutKobo: 25_806_452,
      taxKobo: 2_580_645,
      netKobo: 23_225_807,
      dueDate: '2026-11-30',
      activeDays: 16,
      status: 'calculated',
    });
    const abj = run.payouts.find((p) => p.hospital === 'ABJ-001')!;
    // Gross 3,000,000,003 kobo × 50% = 1,500,000,001.5 → half-to-even 1,500,000,002; platform 1,500,000,001.
    // Tax 5% (individual) = 75,000,000.1 → 75,000,000; net 1,425,000,002. Terms 15 days.
    expect(abj).toMatchObject({
      grossRevenueKobo: 3_000_000_003,
      ownerShareKobo: 1_500_000_002,
      platformShareKobo: 1_500_000_001,
      payoutKobo: 1_500_000_002,
      taxKobo: 75_000_000,
      netKobo: 1_425_000_002,
      dueDate: '2026-11-15',
    });
    const again = await runPayouts(svc(ada), { period: '2026-10' });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    const dup = query(
      db.em(),
      `insert into payout (reference, contract_id, period, period_start, period_end, period_days, active_days, share_bps,
         full_guarantee_kobo, tax_bps, gross_revenue_kobo, owner_share_kobo, platform_share_kobo, guarantee_kobo,
         top_up_kobo, payout_kobo, tax_kobo, net_kobo, due_date, calculated_by, calculated_at)
       select 'X-2', contract_id, period, period_start, period_end, period_days, active_days, share_bps,
         full_guarantee_kobo, tax_bps, gross_revenue_kobo, owner_share_kobo, platform_share_kobo, guarantee_kobo,
         top_up_kobo, payout_kobo, tax_kobo, net_kobo, due_date, calculated_by, calculated_at
       from payout where reference = $1`,
      [lag.reference],
    );
    await expect(dup).rejects.toMatchObject({ code: '23505', constraint: 'payout_contract_period' });
  });

  it('maker-checker: the operator who ran the period cannot approve (exit 5, names the rule)', async () => {
    const refusal = approvePayouts(svc(ada), ['CT-2026-0001-2026-10']);
    await expect(refusal).rejects.toBeInstanceOf(ConflictError);
    await expect(refusal).rejects.toThrow(/maker-checker rule: ada ran payout period 2026-10/);
    await expect(refusal).rejects.toMatchObject({ exitCode: 5 });
    expect((await payout('CT-2026-0001-2026-10')).status).toBe('calculated');
  });

  it('re-running after new transactions updates only calculated payouts', async () => {
    const [approved] = await approvePayouts(svc(bola), ['CT-2026-0001-2026-10']);
    expect(approved).toMatchObject({ status: 'approved', approvals: 1, requiredApprovals: 1 });
    await importCsv('LAG-001,T9,2026-10-25 10:00,1000000,payment\nABJ-001,A2,2026-10-25 10:00,1,payment\n');
    const rerun = await runPayouts(svc(chidi), { period: '2026-10' });
    expect(rerun).toMatchObject({ created: 0, updated: 1, kept: 1 });
    const lag = await payout('CT-2026-0001-2026-10');
    expect(lag).toMatchObject({ status: 'approved', grossRevenueKobo: 28_000_050, revision: 1 });
    const abj = rerun.payouts.find((p) => p.hospital === 'ABJ-001')!;
    // 3,000,000,103 × 50% = 1,500,000,051.5 → 1,500,000,052 (even); tax 5% = 75,000,002.6 → 75,000,003.
    expect(abj).toMatchObject({
      grossRevenueKobo: 3_000_000_103,
      payoutKobo: 1_500_000_052,
      netKobo: 1_425_000_049,
    });
    expect((await payout(abj.reference)).revision).toBe(2);
  });

  it('dual approval above the threshold needs two different approvers', async () => {
    const ref = (await listPayouts(svc(), { period: '2026-10', hospital: 'ABJ-001' })).payouts[0].reference;
    // chidi ran the period last: also refused.
    await expect(approvePayouts(svc(chidi), [ref])).rejects.toThrow(/maker-checker/);
    const [first] = await approvePayouts(svc(bola), [ref]);
    expect(first).toMatchObject({ status: 'calculated', approvals: 1, requiredApprovals: 2 });
    await expect(approvePayouts(svc(bola), [ref])).rejects.toThrow(/dual approval rule/);
    const [second] = await approvePayouts(svc({ operator: 'dayo', command: 'x' }), [ref]);
    expect(second).toMatchObject({ status: 'approved', approvals: 2 });
    const detail = await payout(ref);
    expect(detail.approvals.map((a) => a.operator).sort()).toEqual(['bola', 'dayo']);
    await expect(rejectPayout(svc(bola), ref, 'late')).rejects.toThrow(/is approved/);
  });

  it('export writes a BOM CSV with protected text cells, marks exported, and a second export adds nothing', async () => {
    const out = tempPath('payouts.csv');
    const first = await exportPayouts(svc(ada), { period: '2026-10', out });
    expect(first).toMatchObject({ exported: 2, reexported: 0, netKobo: 23_225_807 + 1_425_000_049 });
    const bytes = readFileSync(out);
    expect(bytes.subarray(0, 3).toString('hex')).toBe('efbbbf');
    const lines = bytes.toString('utf8').slice(1).trim().split('\n');
    expect(lines[0]).toBe('beneficiary_name,bank_code,account_number,amount,narration,reference');
    expect(lines).toContain(
      'Adebayo Holdings Ltd,058,0123456785,232258.07,LAG-001 payout 2026-10,CT-2026-0001-2026-10',
    );
    expect(lines.find((l) => l.includes('ABJ-001'))).toMatch(/^'=Okoro Care,058,0123456785,14250000\.49,/);
    expect((await listPayouts(svc(), { period: '2026-10', status: 'exported' })).payouts).toHaveLength(2);

    const second = tempPath('again.csv');
    expect(await exportPayouts(svc(ada), { period: '2026-10', out: second })).toMatchObject({
      exported: 0,
      file: null,
    });
    expect(existsSync(second)).toBe(false);
    const asked = await exportPayouts(svc(ada), {
      period: '2026-10',
      out: second,
      includeExported: true,
    });
    expect(asked).toMatchObject({ exported: 0, reexported: 2 });
  });

  it('reconcile marks paid, reports failures, and is harmless to run twice', async () => {
    const bank = writeTempFile(
      'Reference,Status,Amount,Paid At,Remarks\n' +
        'CT-2026-0001-2026-10,Successful,"232,258.07",2026-11-25 09:00,\n' +
        'CT-2026-0006-2026-10,Failed,14250000.49,,account dormant\n' +
        'NOPE-1,paid,1.00,,\n',
    );
    const before = await listPayouts(svc(), { period: '2026-10', hospital: 'ABJ-001' });
    const abjRef = before.payouts[0].reference;
    const text = readFileSync(bank, 'utf8').replace('CT-2026-0006-2026-10', abjRef);
    const file = writeTempFile(text);
    const first = await reconcilePayouts(svc(ada), { file });
    expect(first).toMatchObject({ rows: 3, paid: 1, alreadyPaid: 0, rejected: 1 });
    expect(first.failed).toEqual([{ reference: abjRef, note: 'account dormant' }]);
    const second = await reconcilePayouts(svc(ada), { file });
    expect(second).toMatchObject({ paid: 0, alreadyPaid: 1, rejected: 1 });
    const lag = await payout('CT-2026-0001-2026-10');
    expect(lag).toMatchObject({ status: 'paid', paidAt: '2026-11-25T09:00:00+01:00' });
    expect((await payout(abjRef)).status).toBe('failed');

    const perf = (await showContract(services(db, { clock }), 'CT-2026-0001')).performance;
    expect(perf).toMatchObject({
      revenueKobo: 28_000_050,
      topUpsKobo: 6_206_417,
      periodsBelowGuarantee: 1,
      paidKobo: 23_225_807,
      outstandingKobo: 0,
    });
  });
});
