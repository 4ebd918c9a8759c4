import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { tempPath, writeTempFile } from '../support/files.js';

/**
 * A quarterly payout cycle from the command line (SPEC §1 "Payouts"): contracts paid per quarter,
 * transactions over the three months of 2026-Q3 (Lagos time), `payout run --period 2026-Q3`,
 * approval by a second operator (maker-checker), the bank export. One contract runs the whole
 * quarter; one starts mid-quarter (2026-08-16) and has its guarantee prorated over the quarter's
 * 92 days; a monthly contract stays out of the quarterly run.
 */

let tdb: TestDatabase;
// Five days after the quarter: the clock of every command (CRM_NOW), as in payout-cycle.test.ts.
const NOW = '2026-10-05T09:00:00+01:00';
const crm = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { ...tdb.env, CRM_NOW: NOW, ...env });
const json = jsonOf;

beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb?.drop();
});

describe('the quarterly payout cycle from the command line', () => {
  it('sets up owners, quarterly contracts and the transactions of 2026-Q3', async () => {
    for (const [code, name] of [
      ['LAG-101', 'Ikeja Medical Centre'],
      ['LAG-102', 'Lekki Family Clinic'],
      ['LAG-103', 'Yaba Diagnostics'],
    ]) {
      json(
        await crm([
          'hospital',
          'add',
          '--code',
          code,
          '--name',
          name,
          '--state',
          'Lagos',
          '--city',
          'Lagos',
          '--json',
        ]),
      );
    }
    const company = json(
      await crm([
        'owner',
        'add',
        '--name',
        'Adebayo Holdings Ltd',
        '--email',
        'ops@adebayo.ng',
        '--tax-type',
        'company',
        '--bank-code',
        '058',
        '--account-number',
        '0123456785',
        '--json',
      ]),
    );
    const person = json(
      await crm([
        'owner',
        'add',
        '--name',
        'Chiamaka Eze',
        '--kind',
        'person',
        '--email',
        'chiamaka@eze.ng',
        '--tax-type',
        'individual',
        '--bank-code',
        '058',
        // 9876543216: bank 058's check digit for 987654321 (SPEC §1 NUBAN).
        '--account-number',
        '9876543216',
        '--json',
      ]),
    );
    expect(person).toMatchObject({ taxType: 'individual', accountNumber: '9876543216' });

    const create = async (flags: string[]) =>
      json(await crm(['contract', 'create', ...flags, '--json'])) as { number: string };
    // The whole quarter; default payment terms (Net 30).
    const whole = await create([
      '--owner',
      company.id,
      '--hospital',
      'LAG-101',
      '--share',
      '70',
      '--guarantee',
      '3000000',
      '--frequency',
      'quarterly',
      '--start',
      '2026-01-01',
      '--end',
      '2027-06-30',
    ]);
    // From the middle of the quarter; Net 15.
    const partial = await create([
      '--owner',
      'chiamaka@eze.ng',
      '--hospital',
      'LAG-102',
      '--share',
      '60',
      '--guarantee',
      '750000.01',
      '--frequency',
      'quarterly',
      '--terms',
      '15',
      '--start',
      '2026-08-16',
    ]);
    // Monthly: never part of a quarterly run.
    const monthly = await create([
      '--owner',
      company.id,
      '--hospital',
      'LAG-103',
      '--share',
      '50',
      '--guarantee',
      '10000',
      '--frequency',
      'monthly',
      '--start',
      '2026-01-01',
    ]);
    expect([whole.number, partial.number, monthly.number]).toEqual([
      'CT-2026-0001',
      'CT-2026-0002',
      'CT-2026-0003',
    ]);
    for (const n of [whole.number, partial.number, monthly.number])
      expect(json(await crm(['contract', 'activate', n, '--json']))).toMatchObject({ status: 'active' });
    const shown = json(await crm(['contract', 'show', 'CT-2026-0002', '--json']));
    expect(shown).toMatchObject({ frequency: 'quarterly', guaranteeKobo: 75_000_001, paymentTermsDays: 15 });

    // Times without an offset are Lagos time (UTC+1). 2026-10-01 00:30 Lagos is 2026-09-30 23:30 UTC:
    // Q4 in Lagos, Q3 if anything counted in UTC. 2026-08-16 00:10 Lagos is still 08-15 in UTC.
    const file = writeTempFile(
      'hospital,reference,occurred_at,amount,kind\n' +
        'LAG-101,Q-A-0,2026-06-30 23:59,100000,payment\n' +
        'LAG-101,Q-A-1,2026-07-01 00:00,1000000,payment\n' +
        'LAG-101,Q-A-2,2026-08-15 12:00,2500000.25,payment\n' +
        'LAG-101,Q-A-3,2026-08-20 09:00,200000,refund\n' +
        'LAG-101,Q-A-4,2026-09-30 23:30,1200000,payment\n' +
        'LAG-101,Q-A-5,2026-10-01 00:30,9999999,payment\n' +
        'LAG-102,Q-B-1,2026-08-15 23:30,5000000,payment\n' +
        'LAG-102,Q-B-2,2026-08-16 00:10,300000,payment\n' +
        'LAG-102,Q-B-3,2026-09-30 23:30,200000,payment\n' +
        'LAG-102,Q-B-4,2026-10-01 00:30,800000,payment\n' +
        'LAG-103,Q-C-1,2026-09-10 10:00,400000,payment\n',
    );
    expect(json(await crm(['transaction', 'import', file, '--json']))).toEqual({
      inserted: 11,
      unchanged: 0,
      rejected: 0,
      errorsFile: null,
    });
  }, 180_000);

  it('runs 2026-Q3: whole-quarter and prorated payouts, tax by owner type, due dates', async () => {
    const dry = json(await crm(['payout', 'run', '--period', '2026-Q3', '--dry-run', '--json']));
    expect(dry).toMatchObject({ dryRun: true, created: 2 });
    // The monthly run of September holds only the monthly contract.
    const september = json(await crm(['payout', 'run', '--period', '2026-09', '--dry-run', '--json']));
    expect(september.payouts.map((p: { contract: string }) => p.contract)).toEqual(['CT-2026-0003']);

    const run = json(await crm(['payout', 'run', '--period', '2026-Q3', '--operator', 'ada', '--json']));
    expect(run).toMatchObject({ period: '2026-Q3', dryRun: false, created: 2, updated: 0, kept: 0 });
    expect(run.payouts.map((p: { contract: string }) => p.contract)).toEqual([
      'CT-2026-0001',
      'CT-2026-0002',
    ]);
    const [whole, partial] = run.payouts;

    // CT-2026-0001, LAG-101, 70%, guarantee ₦3,000,000 per quarter, company (10%), Net 30.
    // Q3 = 2026-07-01 00:00 … 2026-09-30 24:00 Lagos: Q-A-1..Q-A-4 (Q-A-0 is Q2, Q-A-5 is Q4).
    // Gross ₦1,000,000 + ₦2,500,000.25 − ₦200,000 + ₦1,200,000 = ₦4,500,000.25 = 450,000,025 kobo.
    // Owner share 70% = 315,000,017.5 → half-to-even 315,000,018; platform 450,000,025 − 315,000,018
    // = 135,000,007. Active all 92 days: guarantee 300,000,000 (₦3,000,000) < share: payout
    // 315,000,018, no top-up. Tax 10% = 31,500,001.8 → 31,500,002; net 283,500,016.
    // Due: 2026-09-30 + 30 days = 2026-10-30.
    expect(whole).toMatchObject({
      reference: 'CT-2026-0001-2026-Q3',
      period: '2026-Q3',
      hospital: 'LAG-101',
      ownerName: 'Adebayo Holdings Ltd',
      grossRevenueKobo: 450_000_025,
      ownerShareKobo: 315_000_018,
      platformShareKobo: 135_000_007,
      fullGuaranteeKobo: 300_000_000,
      activeDays: 92,
      periodDays: 92,
      guaranteeKobo: 300_000_000,
      topUpKobo: 0,
      payoutKobo: 315_000_018,
      taxType: 'company',
      taxBasisPoints: 1000,
      taxKobo: 31_500_002,
      netKobo: 283_500_016,
      dueDate: '2026-10-30',
      status: 'calculated',
    });

    // CT-2026-0002, LAG-102, 60%, guarantee ₦750,000.01 per quarter, individual (5%), Net 15,
    // from 2026-08-16: active 16 days of August + 30 of September = 46 of the quarter's 92.
    // Gross counts only active days: Q-B-1 (08-15 23:30 Lagos) is before the start, Q-B-4 in Q4:
    // ₦300,000 + ₦200,000 = ₦500,000 = 50,000,000 kobo; 60% = 30,000,000; platform 20,000,000.
    // Guarantee 75,000,001 × 46 / 92 = 37,500,000.5 → half-to-even 37,500,000 > share: payout
    // 37,500,000, top-up 7,500,000. Tax 5% = 1,875,000; net 35,625,000.
    // Due: 2026-09-30 + 15 days = 2026-10-15.
    expect(partial).toMatchObject({
      reference: 'CT-2026-0002-2026-Q3',
      hospital: 'LAG-102',
      ownerName: 'Chiamaka Eze',
      grossRevenueKobo: 50_000_000,
      ownerShareKobo: 30_000_000,
      platformShareKobo: 20_000_000,
      fullGuaranteeKobo: 75_000_001,
      activeDays: 46,
      periodDays: 92,
      guaranteeKobo: 37_500_000,
      topUpKobo: 7_500_000,
      payoutKobo: 37_500_000,
      taxType: 'individual',
      taxBasisPoints: 500,
      taxKobo: 1_875_000,
      netKobo: 35_625_000,
      dueDate: '2026-10-15',
      status: 'calculated',
    });

    // 450,000,025 + 50,000,000; 315,000,018 + 37,500,000; 31,500,002 + 1,875,000; 283,500,016 + 35,625,000.
    expect(run.totals).toMatchObject({
      count: 2,
      grossRevenueKobo: 500_000_025,
      payoutKobo: 352_500_018,
      topUpKobo: 7_500_000,
      taxKobo: 33_375_002,
      netKobo: 319_125_016,
    });

    const show = json(await crm(['payout', 'show', 'CT-2026-0002-2026-Q3', '--json']));
    expect(show).toMatchObject({
      status: 'calculated',
      activeDays: 46,
      periodDays: 92,
      guaranteeKobo: 37_500_000,
      netKobo: 35_625_000,
    });
    // A second run of the quarter finds nothing new.
    const again = json(await crm(['payout', 'run', '--period', '2026-Q3', '--operator', 'ada', '--json']));
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
  }, 180_000);

  it('is approved by another operator (maker-checker) and exported for the bank', async () => {
    const refs = ['CT-2026-0001-2026-Q3', 'CT-2026-0002-2026-Q3'];
    const maker = await crm(['payout', 'approve', ...refs, '--operator', 'ada', '--yes']);
    expect(maker.code).toBe(5);
    expect(maker.stderr).toMatch(/maker-checker rule: ada ran payout period 2026-Q3/);
    expect(maker.stderr).not.toMatch(/\n\s+at /);
    // The operator can also come from CRM_OPERATOR, as a cron job or a shell profile sets it.
    const approved = json(
      await crm(['payout', 'approve', ...refs, '--yes', '--json'], { CRM_OPERATOR: 'bola' }),
    );
    expect(approved.payouts).toHaveLength(2);
    for (const p of approved.payouts)
      expect(p).toMatchObject({ status: 'approved', approvals: 1, requiredApprovals: 1 });

    // A re-run leaves approved payouts alone.
    const rerun = json(await crm(['payout', 'run', '--period', '2026-Q3', '--operator', 'ada', '--json']));
    expect(rerun).toMatchObject({ created: 0, updated: 0, kept: 2 });

    const out = tempPath('payouts-2026-Q3.csv');
    const exported = json(
      await crm([
        'payout',
        'export',
        '--period',
        '2026-Q3',
        '--out',
        out,
        '--operator',
        'ada',
        '--yes',
        '--json',
      ]),
    );
    // Net 283,500,016 + 35,625,000 = 319,125,016 kobo.
    expect(exported).toMatchObject({ period: '2026-Q3', exported: 2, netKobo: 319_125_016, file: out });
    const csv = readFileSync(out, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.slice(1).split(/\r?\n/).filter(Boolean)).toEqual([
      'beneficiary_name,bank_code,account_number,amount,narration,reference',
      'Adebayo Holdings Ltd,058,0123456785,2835000.16,LAG-101 payout 2026-Q3,CT-2026-0001-2026-Q3',
      'Chiamaka Eze,058,9876543216,356250.00,LAG-102 payout 2026-Q3,CT-2026-0002-2026-Q3',
    ]);
    const list = json(await crm(['payout', 'list', '--period', '2026-Q3', '--status', 'exported', '--json']));
    expect(list.payouts.map((p: { reference: string }) => p.reference)).toEqual(refs);
    const show = json(await crm(['payout', 'show', 'CT-2026-0001-2026-Q3', '--json']));
    expect(show.approvals).toEqual([expect.objectContaining({ decision: 'approve', operator: 'bola' })]);
  }, 180_000);
});
