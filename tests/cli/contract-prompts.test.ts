import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { PTY_TESTS_LABEL, type PtySession, SKIP_PTY_TESTS, startCliOnPty } from '../support/pty.js';

/**
 * `crm contract create` prompts (inquirer) for the values its flags leave out, but only when a
 * person is there: stdin and stdout a TTY and no --json. Without one, a missing value is a usage
 * error (exit 2). The terminal here is a real pseudo-terminal (Python's standard `pty` module).
 */

let tdb: TestDatabase;
const NOW = '2026-11-03T09:00:00+01:00';
const env = () => ({ ...tdb.env, CRM_NOW: NOW });
const crm = (args: string[], options: { input?: string } = {}) => runCli(args, env(), options);
const json = jsonOf;
const contracts = async () => json(await crm(['contract', 'list', '--json']));
const sessions: PtySession[] = [];
const onPty = (args: string[]): PtySession => {
  const session = startCliOnPty(args, env());
  sessions.push(session);
  return session;
};

const SHARE = "Owner's revenue share (%)";
const GUARANTEE = 'Minimum guarantee per period (NGN)';
const START = 'Start date (YYYY-MM-DD)';

/** The flags given on every run; share, guarantee and start are left to the prompts. */
const GIVEN = [
  'contract',
  'create',
  '--owner',
  'ops@okafor.ng',
  '--hospital',
  'ABJ-001',
  '--frequency',
  'quarterly',
  '--terms',
  '45',
  '--end',
  '2027-06-30',
];

beforeAll(async () => {
  tdb = await createTestDatabase();
  json(
    await crm([
      'hospital',
      'add',
      '--code',
      'ABJ-001',
      '--name',
      'Garki General',
      '--state',
      'FCT',
      '--city',
      'Abuja',
      '--json',
    ]),
  );
  json(
    await crm([
      'owner',
      'add',
      '--name',
      'Okafor Health Partners Ltd',
      '--email',
      'ops@okafor.ng',
      '--tax-type',
      'company',
      '--bank-code',
      '058',
      '--account-number',
      '0123456785',
      '--json',
    ]),
  );
});
afterEach(() => {
  // A failed wait leaves the terminal session open: closing the relay hangs up on crm (SIGHUP).
  for (const s of sessions.splice(0)) if (s.child.exitCode === null) s.child.kill();
});
afterAll(async () => {
  await tdb?.drop();
});

describe('crm contract create without a terminal', () => {
  it('refuses a missing value with a usage error (exit 2) naming the flag, even with answers on stdin', async () => {
    const r = await crm([...GIVEN, '--guarantee', '500000', '--start', '2026-07-01'], {
      input: '70\n',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^crm: error: missing --share$/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
    // Every missing value in one message.
    const several = await crm(GIVEN);
    expect(several.code).toBe(2);
    expect(several.stderr).toMatch(/missing --share, --guarantee, --start$/m);
    expect(await contracts()).toEqual([]);
  });
});

describe.skipIf(SKIP_PTY_TESTS)(`crm contract create on a terminal (${PTY_TESTS_LABEL})`, () => {
  it('asks for the share, the guarantee and the start date, then creates the contract', async () => {
    const session = onPty(GIVEN);
    await session.waitFor(SHARE);
    // An empty answer is not accepted: the prompt stays and says why.
    session.type('\r');
    await session.waitFor('You must provide a value');
    session.type('62.5\r');
    const atGuarantee = await session.waitFor(GUARANTEE);
    // Typed as people write it: the naira sign (multi-byte) and thousands separators.
    session.type('₦1,250,000.50\r');
    const atStart = await session.waitFor(START, { from: atGuarantee });
    session.type('2026-07-01\r');
    await session.waitFor('created draft contract CT-2026-0001', { from: atStart });
    expect(await session.exited, session.text()).toBe(0);

    const screen = session.text();
    // Each prompt appeared once more with its answer (✔ line); the given flags were not asked for.
    expect(screen).toMatch(/Owner's revenue share \(%\) 62\.5\r?\n/);
    expect(screen).toMatch(/Minimum guarantee per period \(NGN\) ₦1,250,000\.50\r?\n/);
    expect(screen).toMatch(/Start date \(YYYY-MM-DD\) 2026-07-01\r?\n/);
    expect(screen.indexOf(SHARE)).toBeLessThan(screen.indexOf(GUARANTEE));
    expect(screen.indexOf(GUARANTEE)).toBeLessThan(screen.indexOf(START));
    expect(screen).not.toContain('Owner (id, e-mail or name)');
    expect(screen).not.toContain('Hospital code');
    expect(screen).not.toContain('Payout frequency');
    // Then the human view of the new draft, on the same terminal.
    expect(screen).toMatch(/guarantee\s+₦1,250,000\.50 per quarter/);
    expect(screen).toMatch(/payment terms\s+Net 45/);

    const shown = json(await crm(['contract', 'show', 'CT-2026-0001', '--json']));
    expect(shown).toMatchObject({
      number: 'CT-2026-0001',
      status: 'draft',
      ownerName: 'Okafor Health Partners Ltd',
      hospital: 'ABJ-001',
      sharePercent: 62.5,
      shareBasisPoints: 6250,
      guaranteeKobo: 125_000_050,
      frequency: 'quarterly',
      paymentTermsDays: 45,
      startDate: '2026-07-01',
      endDate: '2027-06-30',
    });
    const list = await contracts();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      number: 'CT-2026-0001',
      sharePercent: 62.5,
      guaranteeKobo: 125_000_050,
    });
  }, 60_000);

  it('checks each answer as it is typed: an impossible share is asked again, nothing is lost', async () => {
    const session = onPty([
      ...GIVEN.filter((a) => a !== '--frequency' && a !== 'quarterly'),
      '--guarantee',
      '500000',
    ]);
    const atShare = await session.waitFor(SHARE);
    session.type('150\r');
    await session.waitFor(/share: must be between 0 and 100/, { from: atShare });
    session.type('\x7f\x7f\x7f70\r');
    // The frequency is a choice between the two the contract allows.
    const atFrequency = await session.waitFor('Payout frequency');
    await session.waitFor('quarterly', { from: atFrequency });
    session.type('\r'); // the first choice: monthly
    const atStart = await session.waitFor(START);
    session.type('2026-02-30\r');
    await session.waitFor(/start: /, { from: atStart });
    session.type('\x7f\x7f01\r');
    await session.waitFor('created draft contract CT-2026-0002');
    expect(await session.exited, session.text()).toBe(0);
    expect(session.text()).not.toMatch(/\n\s+at /);
    const created = (await contracts()).find((c: { number: string }) => c.number === 'CT-2026-0002');
    expect(created).toMatchObject({ sharePercent: 70, frequency: 'monthly', startDate: '2026-02-01' });
  }, 60_000);

  it('does not prompt with --json on a terminal: a missing value is the usage error (exit 2)', async () => {
    const session = onPty([...GIVEN, '--guarantee', '500000', '--json']);
    expect(await session.exited, session.text()).toBe(2);
    expect(session.text()).toMatch(/crm: error: missing --share/);
    expect(session.text()).not.toContain(SHARE);
    expect(await contracts()).toHaveLength(2);
  }, 60_000);

  it('creates nothing when the operator gives up at a prompt (Ctrl-C)', async () => {
    const session = onPty([...GIVEN, '--share', '70', '--guarantee', '500000']);
    await session.waitFor(START);
    session.type('\x03');
    // Giving up is the operator's choice, not a crash: the usage error "cancelled", exit 2.
    expect(await session.exited, session.text()).toBe(2);
    expect(session.text()).toMatch(/crm: error: cancelled/);
    expect(session.text()).not.toContain('created draft contract');
    expect(await contracts()).toHaveLength(2);
  }, 60_000);
});
