import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { PTY_TESTS_LABEL, type PtySession, SKIP_PTY_TESTS, startCliOnPty } from '../support/pty.js';

/**
 * `hospital add`, `patient add` and `doctor add` without their flags: off a terminal one usage
 * error names every missing flag; on a terminal each answer is checked as it is typed (the rules
 * the add applies), and a bad answer is asked again without losing the others.
 */

let tdb: TestDatabase;
const crm = (args: string[]) => runCli(args, tdb.env);

beforeAll(async () => {
  tdb = await createTestDatabase();
}, 120_000);
afterAll(async () => {
  await tdb?.drop();
});

describe('adds off a terminal', { timeout: 180_000 }, () => {
  it('every missing required flag in one message (exit 2)', async () => {
    const hospital = await crm(['hospital', 'add', '--name', 'Kano Central']);
    expect(hospital.code).toBe(2);
    expect(hospital.stderr).toMatch(/missing --code, --state, --city/);
    const patient = await crm(['patient', 'add', '--phone', '08031234567']);
    expect(patient.code).toBe(2);
    expect(patient.stderr).toMatch(/missing --first-name, --last-name/);
    const doctor = await crm(['doctor', 'add', '--name', 'Dr Bello']);
    expect(doctor.code).toBe(2);
    expect(doctor.stderr).toMatch(/missing --hospital, --department/);
  });
});

describe.skipIf(SKIP_PTY_TESTS)(
  `hospital add on a terminal (${PTY_TESTS_LABEL})`,
  { timeout: 240_000 },
  () => {
    let session: PtySession | undefined;
    afterAll(() => {
      if (session && session.child.exitCode === null) session.child.kill();
    });

    it('a bad code and an unknown state are asked again; nothing typed is lost', async () => {
      session = startCliOnPty(['hospital', 'add'], tdb.env);
      const s = session;
      const code = await s.waitFor('Hospital code', { timeoutMs: 120_000 });
      s.type('kan 01\r');
      await s.waitFor('use letters, digits and dashes', { from: code });
      s.type('\x15KAN-001\r');
      await s.waitFor('Hospital name');
      s.type('Kano Central\r');
      // The state is searched as typed among the 36 states and the FCT, other spellings included.
      const state = await s.waitFor('State (type to search)');
      s.type('Kanoo');
      await s.waitFor('No results', { from: state });
      s.type('\x7f\x7f\x7f\x7f\x7fabuja');
      await s.waitFor('FCT', { from: state });
      s.type('\x7f\x7f\x7f\x7f\x7fkano state');
      await s.waitFor(/❯ Kano/, { from: state });
      s.type('\r');
      await s.waitFor('City');
      s.type('Kano\r');
      await s.waitFor('Street address (optional)');
      s.type('\r');
      const email = await s.waitFor("Service manager's e-mail");
      s.type('manager\r');
      await s.waitFor('not an e-mail address', { from: email });
      s.type('@kano.ng\r');
      await s.waitFor('added hospital KAN-001 (Kano Central)');
      expect(await s.exited).toBe(0);
      const shown = jsonOf(await crm(['hospital', 'show', 'KAN-001', '--json']));
      expect(shown).toMatchObject({
        code: 'KAN-001',
        state: 'Kano',
        city: 'Kano',
        managerEmail: 'manager@kano.ng',
      });
    });
  },
);
