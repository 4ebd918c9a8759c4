import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateContract } from '../../src/core/contracts/activate-contract.js';
import { createContract } from '../../src/core/contracts/create-contract.js';
import { query } from '../../src/core/db/sql.js';
import { type CliResult, jsonOf, runCli, startCli } from '../support/cli.js';
import { createTestDatabase, sharedDatabase, type TestDatabase } from '../support/db.js';
import { makeHospital, makeOwner } from '../support/factories.js';
import { tempPath, writeTempFile } from '../support/files.js';
import { services } from '../support/services.js';

let tdb: TestDatabase;
const NOW = '2026-11-03T09:00:00+01:00';
const crm = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { ...tdb.env, CRM_NOW: NOW, ...env });
const json = jsonOf;

beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb?.drop();
});

describe('the monthly payout cycle from the command line', () => {
  it('sets up an owner, a contract and transactions', async () => {
    json(
      await crm([
        'hospital',
        'add',
        '--code',
        'LAG-001',
        '--name',
        'Lagos Island',
        '--state',
        'Lagos',
        '--city',
        'Lagos',
        '--json',
      ]),
    );
    const badNuban = await crm([
      'owner',
      'add',
      '--name',
      'X Ltd',
      '--tax-type',
      'company',
      '--bank-code',
      '058',
      '--account-number',
      '0123456789',
    ]);
    expect(badNuban.code).toBe(3);
    expect(badNuban.stderr).toMatch(/account-number: check digit does not match bank 058/);
    expect(badNuban.stderr).not.toMatch(/\n\s+at /);
    const owner = json(
      await crm([
        'owner',
        'add',
        '--name',
        'Adebayo Holdings Ltd',
        '--email',
        'ops@adebayo.ng',
        '--phone',
        '08031234567',
        '--tax-type',
        'company',
        '--bank-code',
        '058',
        '--account-number',
        '0123456785',
        '--json',
      ]),
    );
    expect(owner).toMatchObject({
      name: 'Adebayo Holdings Ltd',
      phone: '+2348031234567',
      taxType: 'company',
    });
    const contract = json(
      await crm([
        'contract',
        'create',
        '--owner',
        owner.id,
        '--hospital',
        'LAG-001',
        '--share',
        '70',
        '--guarantee',
        '500000',
        '--frequency',
        'monthly',
        '--start',
        '2026-01-01',
        '--end',
        '2026-12-31',
        '--json',
      ]),
    );
    expect(contract).toMatchObject({ number: 'CT-2026-0001', status: 'draft', guaranteeKobo: 50_000_000 });
    const activated = json(await crm(['contract', 'activate', 'CT-2026-0001', '--json']));
    expect(activated).toMatchObject({ status: 'active', milestones: 3 });
    const file = writeTempFile(
      'hospital,reference,occurred_at,amount,kind\n' +
        'LAG-001,P-1,2026-10-01 00:15,600000,payment\n' +
        'LAG-001,P-2,2026-10-31 23:30,150000.50,payment\n' +
        'LAG-001,P-3,2026-10-12 10:00,50000,refund\n' +
        'LAG-001,P-4,2026-11-01 00:30,999999,payment\n',
    );
    expect(json(await crm(['transaction', 'import', file, '--json']))).toEqual({
      inserted: 4,
      unchanged: 0,
      rejected: 0,
      errorsFile: null,
    });
    expect(json(await crm(['transaction', 'import', file, '--json']))).toMatchObject({
      inserted: 0,
      unchanged: 4,
    });
  }, 120_000);

  it('runs, approves (maker-checker), exports and reconciles the period', async () => {
    const dry = json(await crm(['payout', 'run', '--period', '2026-10', '--dry-run', '--json']));
    expect(dry).toMatchObject({ dryRun: true, created: 1 });
    const run = json(await crm(['payout', 'run', '--period', '2026-10', '--operator', 'ada', '--json']));
    expect(Object.keys(run)).toEqual(expect.arrayContaining(['period', 'payouts', 'totals']));
    expect(run.period).toBe('2026-10');
    const [p] = run.payouts;
    expect(Object.keys(p)).toEqual(
      expect.arrayContaining([
        'id',
        'contract',
        'hospital',
        'owner',
        'grossRevenueKobo',
        'ownerShareKobo',
        'platformShareKobo',
        'guaranteeKobo',
        'topUpKobo',
        'payoutKobo',
        'taxKobo',
        'netKobo',
        'dueDate',
        'status',
      ]),
    );
    // Gross 600,000 + 150,000.50 − 50,000 = ₦700,000.50; 70% = ₦490,000.35 (49,000,035 kobo) ≥ ₦500,000? No:
    // the guarantee ₦500,000 wins, top-up ₦9,999.65; tax 10% = ₦50,000; net ₦450,000.
    expect(p).toMatchObject({
      contract: 'CT-2026-0001',
      hospital: 'LAG-001',
      grossRevenueKobo: 70_000_050,
      ownerShareKobo: 49_000_035,
      platformShareKobo: 21_000_015,
      guaranteeKobo: 50_000_000,
      topUpKobo: 999_965,
      payoutKobo: 50_000_000,
      taxKobo: 5_000_000,
      netKobo: 45_000_000,
      dueDate: '2026-11-30',
      status: 'calculated',
    });
    expect(run.totals).toMatchObject({ count: 1, netKobo: 45_000_000 });

    const noYes = await crm(['payout', 'approve', p.id, '--operator', 'bola']);
    expect(noYes.code).toBe(2);
    const maker = await crm(['payout', 'approve', p.id, '--operator', 'ada', '--yes']);
    expect(maker.code).toBe(5);
    expect(maker.stderr).toMatch(/maker-checker rule: ada ran payout period 2026-10/);
    const approved = json(
      await crm(['payout', 'approve', p.id.slice(0, 8), '--operator', 'bola', '--yes', '--json']),
    );
    expect(approved.payouts[0]).toMatchObject({ status: 'approved', approvals: 1, requiredApprovals: 1 });

    const out = tempPath('payouts.csv');
    const exported = json(
      await crm([
        'payout',
        'export',
        '--period',
        '2026-10',
        '--out',
        out,
        '--operator',
        'ada',
        '--yes',
        '--json',
      ]),
    );
    expect(exported).toMatchObject({ exported: 1, netKobo: 45_000_000, file: out });
    const csv = readFileSync(out, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain(
      'Adebayo Holdings Ltd,058,0123456785,450000.00,LAG-001 payout 2026-10,CT-2026-0001-2026-10',
    );
    const again = json(
      await crm(['payout', 'export', '--period', '2026-10', '--out', tempPath('x.csv'), '--yes', '--json']),
    );
    expect(again).toMatchObject({ exported: 0, file: null });

    const bank = writeTempFile(
      'reference,status,amount,paid_at\nCT-2026-0001-2026-10,paid,450000.00,2026-11-03 08:30\n',
    );
    const rec = json(await crm(['payout', 'reconcile', bank, '--yes', '--json']));
    expect(rec).toMatchObject({ paid: 1, alreadyPaid: 0, failed: [], rejected: 0 });
    expect(json(await crm(['payout', 'reconcile', bank, '--yes', '--json']))).toMatchObject({
      paid: 0,
      alreadyPaid: 1,
    });
    const list = json(await crm(['payout', 'list', '--period', '2026-10', '--status', 'paid', '--json']));
    expect(list.payouts).toHaveLength(1);
    const show = json(await crm(['payout', 'show', 'CT-2026-0001-2026-10', '--json']));
    expect(show).toMatchObject({ status: 'paid', paidAt: '2026-11-03T08:30:00+01:00' });
    expect(show.approvals).toEqual([expect.objectContaining({ decision: 'approve', operator: 'bola' })]);
    const contract = json(await crm(['contract', 'show', 'CT-2026-0001', '--json']));
    expect(contract.performance).toMatchObject({
      topUpsKobo: 999_965,
      periodsBelowGuarantee: 1,
      paidKobo: 45_000_000,
    });
  }, 180_000);

  it('keeps the owner relationship: contact log, satisfaction, milestones', async () => {
    const log = json(
      await crm([
        'owner',
        'log',
        'ops@adebayo.ng',
        '--channel',
        'call',
        '--summary',
        'Explained the top-up',
        '--json',
      ]),
    );
    expect(log).toMatchObject({ channel: 'call', deliveryStatus: 'logged', operator: 'tester' });
    const sat = json(
      await crm([
        'owner',
        'satisfaction',
        'ops@adebayo.ng',
        '--category',
        'payment',
        '--rating',
        '4',
        '--would-recommend',
        'yes',
        '--json',
      ]),
    );
    expect(sat.summary).toMatchObject({ responses: 1, averageRating: 4, wouldRecommendShare: 1 });
    const bad = await crm([
      'owner',
      'satisfaction',
      'ops@adebayo.ng',
      '--category',
      'payment',
      '--rating',
      '6',
    ]);
    expect(bad.code).toBe(3);
    const due = json(await crm(['contract', 'milestones', '--due-within', '30d', '--json']));
    // Reviews on 04-01, 07-01, 10-01 have passed (overdue); 2027-01-01 is past the end date.
    expect(due.map((m: { status: string }) => m.status)).toEqual(['overdue', 'overdue', 'overdue']);
    const done = json(
      await crm(['contract', 'milestone-complete', due[0].id.slice(0, 8), '--notes', 'ok', '--json']),
    );
    expect(done).toMatchObject({ status: 'completed', completedBy: 'tester' });
    const terminate = await crm(['contract', 'terminate', 'CT-2026-0001', '--reason', 'sold']);
    expect(terminate.code).toBe(2);
  }, 120_000);
});

describe.runIf(sharedDatabase)('two payout runs at the same moment', () => {
  it('produce one payout per contract', async () => {
    const db = await tdb.open();
    const actor = { operator: 'seed', command: 'test' };
    try {
      const owner = await makeOwner(services(db, { actor }), {
        name: 'Race Owner',
        email: undefined,
        taxType: 'exempt',
      });
      for (let i = 0; i < 60; i++) {
        const code = `RACE-${String(i).padStart(3, '0')}`;
        await makeHospital(services(db, { actor }), { code, name: code, state: 'Kano', city: 'Kano' });
        const c = await createContract(services(db, { actor }), {
          owner: owner.id,
          hospital: code,
          share: '60',
          guarantee: '1000',
          frequency: 'monthly',
          start: '2026-01-01',
        });
        await activateContract(services(db, { actor }), c.number);
      }
      await query(
        db.em(),
        `insert into hospital_transaction (reference, hospital_id, occurred_at, amount_kobo, kind)
         select 'race-' || g, h.id, timestamptz '2026-09-01 00:00+01' + (g % 29) * interval '1 day', 1000 + g, 'payment'
         from generate_series(1, 120000) g join hospital h on h.code = 'RACE-' || lpad((g % 60)::text, 3, '0')`,
      );
    } finally {
      await db.close();
    }
    const env = { ...tdb.env, CRM_NOW: NOW };
    const children = ['ada', 'bola'].map((op) =>
      startCli(['payout', 'run', '--period', '2026-09', '--operator', op, '--json'], env),
    );
    const results = await Promise.all(
      children.map(
        (child) =>
          new Promise<CliResult>((resolve) => {
            let stdout = '';
            let stderr = '';
            child.stdout!.on('data', (d) => {
              stdout += d;
            });
            child.stderr!.on('data', (d) => {
              stderr += d;
            });
            child.on('close', (code) => resolve({ code, stdout, stderr }));
            child.stdin!.end();
          }),
      ),
    );
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const outcomes = results.map((r) => JSON.parse(r.stdout));
    expect(outcomes.map((o) => o.created).sort()).toEqual([0, 61]);
    expect(outcomes.map((o) => o.unchanged).sort()).toEqual([0, 61]);
    const counted = await (async () => {
      const d = await tdb.open();
      try {
        return await query<{ n: number; contracts: number }>(
          d.em(),
          `select count(*)::int as n, count(distinct contract_id)::int as contracts from payout where period = '2026-09'`,
        );
      } finally {
        await d.close();
      }
    })();
    // 60 race contracts and the monthly contract of the cycle above.
    expect(counted).toEqual([{ n: 61, contracts: 61 }]);
  }, 120_000);
});
