import { existsSync, readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPayouts } from '../../src/core/payouts/run-payouts.js';
import { fixedClock } from '../../src/core/time.js';
import { jsonOf, runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { makeContract, makeOwner } from '../support/factories.js';
import { tempPath } from '../support/files.js';
import { PTY_TESTS_LABEL, type PtySession, SKIP_PTY_TESTS, startCliOnPty } from '../support/pty.js';
import { services } from '../support/services.js';

/**
 * Confirmations say what will happen — how many payouts, of which period, the total net amount and
 * to whom — on a terminal before the answer, and off a terminal in the error a missing --yes gives.
 * `payout export` on a terminal without --out asks for the bank file's path instead of printing it.
 */

let tdb: TestDatabase;
const NOW = '2026-11-03T09:00:00+01:00';
const env = () => ({ ...tdb.env, CRM_NOW: NOW });
const crm = (args: string[]) => runCli(args, env());
let refs: string[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase();
  const db = await tdb.open();
  try {
    const actor = { operator: 'ada', command: 'test' };
    const svc = () => services(db, { actor, clock: fixedClock(DateTime.fromISO(NOW)) });
    // Two company owners, each with a ₦500,000 guarantee and no revenue: net ₦450,000 each.
    for (const name of ['Adebayo Clinics Ltd', 'Okafor Holdings']) {
      const owner = await makeOwner(svc(), { name });
      await makeContract(svc(), { owner: owner.id });
    }
    const run = await runPayouts(svc(), { period: '2026-10' });
    refs = run.payouts.map((p) => p.reference);
  } finally {
    await db.close();
  }
}, 180_000);
afterAll(async () => {
  await tdb?.drop();
});

describe('confirmations off a terminal', { timeout: 180_000 }, () => {
  it('a missing --yes says what the command would have done (exit 2), and nothing is done', async () => {
    const r = await crm(['payout', 'approve', ...refs, '--operator', 'bola']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/needs confirmation: run it on a terminal or pass --yes/);
    expect(r.stderr).toMatch(/it would approve 2 payouts of 2026-10 \(CT-\S+, CT-\S+\), net ₦900,000\.00/);
    expect(r.stderr).toMatch(/Adebayo Clinics Ltd \(T-\d+\), Okafor Holdings \(T-\d+\)/);
    const list = jsonOf(await crm(['payout', 'list', '--period', '2026-10', '--json']));
    expect(list.payouts.map((p: { status: string }) => p.status)).toEqual(['calculated', 'calculated']);

    const expire = await crm(['loyalty', 'expire']);
    expect(expire.code).toBe(2);
    expect(expire.stderr).toMatch(/it would expire 0 points of 0 patient\(s\)/);
  });
});

describe.skipIf(SKIP_PTY_TESTS)(
  `confirmations on a terminal (${PTY_TESTS_LABEL})`,
  { timeout: 240_000 },
  () => {
    let session: PtySession | undefined;
    afterAll(() => {
      if (session && session.child.exitCode === null) session.child.kill();
    });

    it('approve names the count, the period, the net total and the beneficiaries before asking', async () => {
      session = startCliOnPty(['payout', 'approve', ...refs, '--operator', 'bola'], env());
      const at = await session.waitFor(
        /Approve 2 payouts of 2026-10 .*net ₦900,000\.00, to Adebayo Clinics Ltd/,
        {
          timeoutMs: 120_000,
        },
      );
      await session.waitFor('(y/N)', { from: at });
      session.type('y\r');
      expect(await session.exited).toBe(0);
      expect(session.text()).toMatch(/approved CT-/);
    });

    it('export without --out asks for a file (a bad one again), confirms, and never prints the bank file', async () => {
      const out = tempPath('bank-2026-10.csv');
      session = startCliOnPty(['payout', 'export', '--period', '2026-10', '--operator', 'ada'], env(), {
        columns: 400,
      });
      const s = session;
      const asked = await s.waitFor('Write the bank file to', { timeoutMs: 120_000 });
      s.type('/no/such/folder/bank.csv\r');
      await s.waitFor('cannot be written: there is no folder /no/such/folder', { from: asked });
      s.type('\x15'); // Ctrl-U: clear the line
      s.type(`${out}\r`);
      const confirm = await s.waitFor(/Export 2 payouts of 2026-10 .*net ₦900,000\.00/, { from: asked });
      await s.waitFor(`into ${out}`, { from: confirm });
      s.type('y\r');
      await s.waitFor(`exported 2 payout(s), net ₦900,000.00, to ${out}`, { from: confirm });
      expect(await s.exited).toBe(0);
      expect(s.text()).not.toContain('beneficiary_name');
      expect(existsSync(out)).toBe(true);
      expect(readFileSync(out, 'utf8')).toContain('Adebayo Clinics Ltd,058,0123456785,450000.00');
      const list = jsonOf(await crm(['payout', 'list', '--period', '2026-10', '--json']));
      expect(list.payouts.map((p: { status: string }) => p.status)).toEqual(['exported', 'exported']);
    });
  },
);
