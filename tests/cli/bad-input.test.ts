/**
 * Hostile or absurd input from the command line and from imported files, through the built
 * binary: a one-line error with the documented exit code, and stored text that cannot drive the
 * operator's terminal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { writeTempFile } from '../support/files.js';

let tdb: TestDatabase;
const crm = (args: string[]) => runCli(args, tdb.env);

beforeAll(async () => {
  tdb = await createTestDatabase();
  const added = await crm([
    'hospital',
    'add',
    '--code',
    'LAG-001',
    '--name',
    'Lagos',
    '--state',
    'Lagos',
    '--city',
    'Lagos',
  ]);
  expect(added.code, added.stderr).toBe(0);
});
afterAll(async () => {
  await tdb?.drop();
});

describe('money bounds at input', () => {
  it('a 23-digit --guarantee is exit 3 naming the field, not an unexpected error', async () => {
    const r = await crm([
      'contract',
      'create',
      '--owner',
      'nobody@example.ng',
      '--hospital',
      'LAG-001',
      '--share',
      '70',
      '--guarantee',
      '99999999999999999999999',
      '--frequency',
      'monthly',
      '--start',
      '2026-01-01',
    ]);
    expect([r.code, r.stderr]).toEqual([
      3,
      'crm: error: guarantee: is more than ₦1,000,000,000,000.00, the largest amount crm accepts (got "99999999999999999999999")\n',
    ]);
  });
});

describe('appointment --duration', () => {
  it('every value out of range or not whole minutes is exit 3 naming --duration and 5 to 1440', async () => {
    for (const duration of ['0', '-5', '100000', 'abc', '7.5']) {
      const r = await crm([
        'appointment',
        'schedule',
        '--patient',
        'x',
        '--doctor',
        'y',
        '--type',
        'consultation',
        '--at',
        '2030-12-01 10:00',
        `--duration=${duration}`,
      ]);
      expect(r.code, `${duration}: ${r.stderr}`).toBe(3);
      expect(r.stderr).toContain(`--duration: expected whole minutes from 5 to 1440 (got "${duration}")`);
    }
  }, 120_000);
});

describe('containment', () => {
  it('shows a name holding ANSI escape sequences escaped on patient show and list', async () => {
    const file = writeTempFile(
      'MRN,First Name,Surname,Phone\nANSI-1,\u001b[31mRed\u001b]0;pwned\u0007,Name\u009b2J,08031234599\n',
    );
    const imported = await crm(['patient', 'import', file, '--hospital', 'LAG-001']);
    expect(imported.code, imported.stderr).toBe(0);
    const show = await crm(['patient', 'show', 'ANSI-1']);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/^name +\\x1b\[31mRed\\x1b\]0;pwned\\x07 Name\\x9b2J$/m);
    const list = await crm(['patient', 'list']);
    expect(list.stdout).toContain('\\x1b[31mRed\\x1b]0;pwned\\x07 Name\\x9b2J');
    for (const out of [show.stdout, list.stdout])
      for (const raw of ['\u001b', '\u0007', '\u009b']) expect(out).not.toContain(raw);
  });

  it('quotes at most ~100 characters of a 100,000-character argument in a one-line error', async () => {
    const r = await crm(['patient', 'show', 'x'.repeat(100_000)]);
    expect(r.code).toBe(4);
    expect(r.stderr).toBe(`crm: error: patient not found: ${'x'.repeat(100)}… (100000 characters)\n`);
    const unknown = await crm(['patient', `--${'y'.repeat(100_000)}`]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.length).toBeLessThan(1000);
  });
});
