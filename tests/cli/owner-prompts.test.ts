import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { PTY_TESTS_LABEL, type PtySession, SKIP_PTY_TESTS, startCliOnPty } from '../support/pty.js';

/**
 * `crm owner add` without all its flags: off a terminal one usage error names every missing flag;
 * on a terminal each answer is checked as it is typed (a choice for the tax type, the CBN bank
 * list, the NUBAN check digit), and a bad answer is asked again without losing the others.
 */

let tdb: TestDatabase;
const crm = (args: string[]) => runCli(args, tdb.env);

beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb?.drop();
});

describe('owner add off a terminal', { timeout: 180_000 }, () => {
  it('every missing required flag in one message (exit 2)', async () => {
    const r = await crm(['owner', 'add', '--name', 'Okafor Holdings']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing --tax-type, --bank-code, --account-number/);
  });

  it('an unknown bank code is exit 3 naming it', async () => {
    const r = await crm([
      'owner',
      'add',
      '--name',
      'Okafor Holdings',
      '--tax-type',
      'company',
      '--bank-code',
      '999',
      '--account-number',
      '0123456785',
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/bank-code: not a CBN bank code .*999/);
  });
});

describe('owner show', { timeout: 180_000 }, () => {
  it('shows the recent contacts its help promises (piped: a TSV table after the contracts)', async () => {
    const add = await crm([
      'owner',
      'add',
      '--name',
      'Contacted Ltd',
      '--email',
      'desk@contacted.ng',
      '--tax-type',
      'company',
      '--bank-code',
      '058',
      '--account-number',
      '0123456785',
    ]);
    expect(add.code, add.stderr).toBe(0);
    const log = await crm([
      'owner',
      'log',
      'desk@contacted.ng',
      '--channel',
      'call',
      '--summary',
      'agreed the October figures',
      '--at',
      '2026-11-02 10:30',
    ]);
    expect(log.code, log.stderr).toBe(0);
    const show = await crm(['owner', 'show', 'desk@contacted.ng']);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain('when\tchannel\tdirection\tsummary\tstatus\tby\n');
    expect(show.stdout, show.stdout.split('\n').slice(-3).join('|')).toMatch(
      /^2026-11-02T10:30:00[.0-9]*\+01:00\tcall\toutbound\tagreed the October figures\tlogged\ttester$/m,
    );
  });
});

describe.skipIf(SKIP_PTY_TESTS)(`owner add on a terminal (${PTY_TESTS_LABEL})`, { timeout: 240_000 }, () => {
  let session: PtySession | undefined;
  afterAll(() => {
    if (session && session.child.exitCode === null) session.child.kill();
  });

  it('tax type is a choice, the bank is searched, a wrong account number is asked again, nothing typed is lost', async () => {
    session = startCliOnPty(['owner', 'add', '--name', 'Adebayo Clinics Ltd'], tdb.env);
    const s = session;
    await s.waitFor('E-mail (optional)', { timeoutMs: 120_000 });
    s.type('ops@adebayo.ng\r');
    await s.waitFor('Phone (optional)');
    s.type('\r');
    const tax = await s.waitFor('Tax type');
    await s.waitFor('individual', { from: tax });
    s.type('\r'); // the first choice: company
    // The bank is searched as typed, by name or code: a code no bank has matches nothing.
    const bank = await s.waitFor('Bank (name or CBN code)');
    s.type('999');
    await s.waitFor('No results', { from: bank });
    s.type('\x7f\x7f\x7fguaranty');
    await s.waitFor('058  Guaranty Trust Bank', { from: bank });
    s.type('\r');
    const account = await s.waitFor('Account number (NUBAN)');
    s.type('0123456784\r');
    await s.waitFor('check digit does not match bank 058', { from: account });
    s.type('\x7f5\r');
    await s.waitFor('added owner Adebayo Clinics Ltd');
    expect(await s.exited).toBe(0);
    const owners = jsonOf(await crm(['owner', 'list', '--json']));
    expect(owners).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'Adebayo Clinics Ltd',
          email: 'ops@adebayo.ng',
          taxType: 'company',
          bankCode: '058',
        }),
      ]),
    );
  });
});
