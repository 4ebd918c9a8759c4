/**
 * Secrets and personal data typed on the command line never reach the audit log (every column, as
 * text) or stderr, whatever the argument's form; provider error texts are stored and printed with
 * the number masked; provider base URLs over plain http:// are refused unless they are loopback.
 */
import { writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '../../src/core/context.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, onPostgres, sqlOnce, type TestDatabase } from '../support/db.js';
import { makeHospital, makeOwner, makePatient } from '../support/factories.js';
import { type FakeProvider, startFakeProvider } from '../support/fake-provider.js';
import { tempDir } from '../support/files.js';
import { fakeProviderEnv } from '../support/reminders-seed.js';
import { services } from '../support/services.js';

let tdb: TestDatabase;
let fake: FakeProvider;
const crm = (args: string[], env: Record<string, string> = {}) => runCli(args, { ...tdb.env, ...env });

async function withServices<T>(fn: (ctx: ServiceContext) => Promise<T>): Promise<T> {
  const db = await tdb.open();
  try {
    return await fn(services(db));
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  [tdb, fake] = await Promise.all([createTestDatabase(), startFakeProvider()]);
  await withServices((ctx) => makeHospital(ctx, { code: 'RED-001' }));
});
afterAll(async () => {
  await tdb?.drop();
  await fake?.close();
});

/** Every audit_log row, every column, as PostgreSQL prints it. */
async function auditText(): Promise<string> {
  const [row] = await sqlOnce<{ text: string }>(
    tdb,
    `select coalesce(string_agg(a::text, E'\\n'), '') as text from audit_log a`,
  );
  return row.text;
}
const lastCommand = async () =>
  (await sqlOnce<{ command: string }>(tdb, 'select command from audit_log order by id desc limit 1'))[0]
    ?.command;

/** Five spellings of one Nigerian mobile number `0806 ddd dddd`, as the CLI accepts them. */
const spellings = (d: string) => ({
  national: `0806${d}`,
  e164: `+234806${d}`,
  'country code without +': `234806${d}`,
  spaced: `0806 ${d.slice(0, 3)} ${d.slice(3)}`,
  'trunk zero in brackets, dashes': `+234 (0) 806-${d.slice(0, 3)}-${d.slice(3)}`,
});

interface Row {
  name: string;
  args: () => string[] | Promise<string[]>;
  exit: number;
  /** The text that must appear nowhere (the number's national digits stand for a phone). */
  hidden: string[];
  /** The audit row's command, when the command writes one. */
  command?: string;
}

const rows: Row[] = [
  {
    name: 'patient add: names, e-mail, date of birth (= and space forms), address, MRN',
    args: () => [
      'patient',
      'add',
      '--first-name',
      'Adaeze',
      '--last-name=Okonkwo',
      '--phone=08061110001',
      '--email',
      'adaeze.okonkwo@example.ng',
      '--dob=17/05/1990',
      '--address',
      '12 Marina Road, Lagos',
      '--external-id',
      'MRN-99817',
      '--hospital',
      'RED-001',
    ],
    exit: 0,
    hidden: [
      'Adaeze',
      'Okonkwo',
      '8061110001',
      'adaeze.okonkwo',
      '17/05/1990',
      '1990-05-17',
      'Marina',
      '99817',
    ],
    command:
      'crm patient add --first-name [name] --last-name=[name] --phone=[phone] --email [email] --dob=[dob] --address [address] --external-id [mrn] --hospital RED-001',
  },
  ...Object.keys(spellings('0000000')).map(
    (form, i): Row => ({
      name: `patient add --phone, ${form}`,
      args: () => {
        const phone = spellings(`222000${i}`)[form as keyof ReturnType<typeof spellings>];
        return [
          'patient',
          'add',
          '--first-name',
          'Chidi',
          '--last-name',
          `Eze${i}`,
          '--phone',
          phone,
          '--dob',
          `1985-01-0${i + 1}`,
        ];
      },
      exit: 0,
      hidden: [`806222000${i}`, 'Chidi', `Eze${i}`, `1985-01-0${i + 1}`],
      command: 'crm patient add --first-name [name] --last-name [name] --phone [phone] --dob [dob]',
    }),
  ),
  ...Object.keys(spellings('0000000')).map(
    (form, i): Row => ({
      name: `patient opt-out with the phone as the argument, ${form}`,
      args: async () => {
        const digits = `333000${i}`;
        await withServices((ctx) => makePatient(ctx, { phone: `0806${digits}`, lastName: 'Bello' }));
        return [
          'patient',
          'opt-out',
          spellings(digits)[form as keyof ReturnType<typeof spellings>],
          '--channel',
          'sms',
        ];
      },
      exit: 0,
      hidden: [`806333000${i}`],
      command: 'crm patient opt-out [phone] --channel sms',
    }),
  ),
  {
    name: 'patient show of an unknown phone: exit 4, the number masked on stderr',
    args: () => ['patient', 'show', '0806 444 0004'],
    exit: 4,
    hidden: ['8064440004', '444 0004'],
  },
  {
    name: 'owner add: person name, e-mail, phone, account number',
    args: () => [
      'owner',
      'add',
      '--name=Ngozi Adebayo',
      '--kind',
      'person',
      '--email',
      'ngozi.adebayo@example.ng',
      '--phone',
      '+2348065550005',
      '--tax-type',
      'individual',
      '--bank-code',
      '058',
      '--account-number',
      '0123456785',
    ],
    exit: 0,
    hidden: ['Ngozi', 'Adebayo', 'ngozi.adebayo', '8065550005', '0123456785'],
    command:
      'crm owner add --name=[name] --kind person --email [email] --phone [phone] --tax-type individual --bank-code 058 --account-number [account-number]',
  },
  {
    name: "owner log: the owner's name as the argument, a phone and an e-mail in the summary",
    args: async () => {
      await withServices((ctx) =>
        makeOwner(ctx, { name: 'Chief Emeka Nwosu', email: 'emeka.nwosu@example.ng' }),
      );
      return [
        'owner',
        'log',
        'Chief Emeka Nwosu',
        '--channel',
        'call',
        '--summary',
        'Called 0806 666 0006; send the statement to emeka.nwosu@example.ng',
      ];
    },
    exit: 0,
    hidden: ['Emeka', 'Nwosu', '8066660006', '666 0006'],
    command: "crm owner log [owner] --channel call --summary 'Called [phone]; send the statement to [email]'",
  },
  {
    name: 'an unknown secret flag in the = form: exit 2, the value masked in the usage error',
    args: () => [
      'hospital',
      'list',
      '--token=T0kenValue42',
      '--api-key',
      'SG.sendgridkey0001.secretpart0001',
    ],
    exit: 2,
    hidden: ['T0kenValue42', 'sendgridkey0001', 'secretpart0001'],
  },
];

describe('no secret or personal data in audit_log or on stderr (table of argument forms)', () => {
  for (const row of rows)
    it(row.name, async () => {
      const r = await crm(await row.args());
      expect(r.code, r.stderr).toBe(row.exit);
      if (row.command) expect(await lastCommand()).toBe(row.command);
      const audit = await auditText();
      for (const text of row.hidden) {
        expect(audit).not.toContain(text);
        expect(r.stderr).not.toContain(text);
      }
      if (row.exit === 4) expect(r.stderr).toContain('+234806***0004');
    });
});

describe.runIf(onPostgres)('--database-url with a password (PostgreSQL)', () => {
  // The test server trusts local connections, so any password is accepted and must be masked.
  const url = (password: string) => {
    const u = new URL(tdb.env.DATABASE_URL);
    return `${u.protocol}//${u.username || 'postgres'}:${password}@${u.host}${u.pathname}`;
  };
  it.each([
    [
      '= form, percent-encoded',
      (p: string) => [`--database-url=${url(encodeURIComponent(p))}`],
      'S3cret@Pw:1',
    ],
    ['space form, raw @ and :', (p: string) => ['--database-url', url(p)], 'S3cret@Pw:2'],
  ])('%s', async (_form, flag, password) => {
    const code = `RED-10${password.slice(-1)}`;
    const args = [
      ...flag(password),
      'hospital',
      'add',
      '--code',
      code,
      '--name',
      'X',
      '--state',
      'Lagos',
      '--city',
      'Lagos',
    ];
    const r = await runCli(args, { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(r.code, r.stderr).toBe(0);
    expect(await lastCommand()).toMatch(
      /^crm --database-url[= ]\*\*\* hospital add --code RED-10\d --name \[name\]/,
    );
    const audit = await auditText();
    for (const text of ['S3cret', 'Pw:', encodeURIComponent('@Pw')]) {
      expect(audit).not.toContain(text);
      expect(r.stderr).not.toContain(text);
    }
  });

  it('an unreachable server names the URL with the password masked, even with @ in it', async () => {
    const r = await runCli(['hospital', 'list'], {
      DATABASE_URL: 'postgres://ada:p@ss:w0rd@127.0.0.1:1/crm',
    });
    expect(r.code).toBe(7);
    expect(r.stderr).toContain('postgres://ada:***@127.0.0.1:1/crm');
    expect(r.stderr).not.toMatch(/w0rd|p@ss|ss:/);
  });
});

describe('provider error texts', () => {
  it('a Twilio error quoting the full number is stored and printed masked', async () => {
    const owner = await withServices((ctx) =>
      makeOwner(ctx, { name: 'Masked Number Ltd', email: 'masked@example.ng', phone: '08067770007' }),
    );
    fake.reset();
    fake.failNext(1, {
      kind: 'twilio-error',
      code: 21211,
      message: "The 'To' number +2348067770007 is not a valid phone number.",
    });
    const r = await crm(
      ['owner', 'message', owner.id, '--channel', 'sms', '--body', 'Hello'],
      fakeProviderEnv(fake),
    );
    expect(r.code, r.stderr).toBe(6);
    expect(fake.requestsFor('twilio.messages.create')).toHaveLength(1);
    expect(r.stderr).toContain('+234806***0007');
    expect(r.stderr).not.toContain('8067770007');
    const [message] = await sqlOnce<{ error_message: string }>(
      tdb,
      `select error_message from messages where recipient = '+2348067770007'`,
    );
    expect(message.error_message).toBe("The 'To' number +234806***0007 is not a valid phone number.");
  });
});

describe('provider base URLs over plain http://', () => {
  const lanAddress = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

  it('to example.com: exit 7 before anything is sent', async () => {
    const owner = await withServices((ctx) => makeOwner(ctx, { phone: '08068880008' }));
    fake.reset();
    for (const [channel, variable] of [
      ['sms', 'CRM_TWILIO_BASE_URL'],
      ['email', 'CRM_SENDGRID_BASE_URL'],
    ]) {
      const env = fakeProviderEnv(fake, { [variable]: 'http://example.com' });
      const r = await crm(
        ['owner', 'message', owner.id, '--channel', channel, '--subject', 'S', '--body', 'B'],
        env,
      );
      expect(r.code, r.stderr).toBe(7);
      expect(r.stderr).toContain(`${variable} plain http:// is accepted only for this machine`);
      expect(r.stderr).not.toContain(env.TWILIO_AUTH_TOKEN);
    }
    expect(fake.requests).toHaveLength(0);
  });

  it.runIf(lanAddress)(
    'to a non-loopback address where a provider listens: refused, it sees no request',
    async () => {
      const open = await startFakeProvider({ host: '0.0.0.0' });
      try {
        const owner = await withServices((ctx) => makeOwner(ctx, { phone: '08069990009' }));
        const base = `http://${lanAddress}:${new URL(open.twilioBaseUrl).port}`;
        const r = await crm(
          ['owner', 'message', owner.id, '--channel', 'sms', '--body', 'B'],
          fakeProviderEnv(open, { CRM_TWILIO_BASE_URL: base }),
        );
        expect(r.code, r.stderr).toBe(7);
        expect(open.requests).toHaveLength(0);
      } finally {
        await open.close();
      }
    },
  );
});

describe('.env', () => {
  const dirWith = (text: string) => {
    const dir = tempDir('dotenv');
    writeFileSync(join(dir, '.env'), text);
    return dir;
  };

  it.each([
    'CRM_NOW=2020-01-01T00:00:00+01:00',
    'CRM_TWILIO_BASE_URL=https://attacker.example',
    'MIKRO_ORM_DEBUG=true',
  ])('a .env setting %s is refused (exit 3), naming the variable', async (line) => {
    const r = await runCli(['hospital', 'list'], tdb.env, { cwd: dirWith(`${line}\n`) });
    expect(r.code).toBe(3);
    expect(r.stderr.trim()).toMatch(
      new RegExp(`^crm: error: \\.env: ${line.split('=')[0]}: cannot be set in a \\.env file`),
    );
  });

  it('MIKRO_ORM_* in the environment does not change what crm does (no query log)', async () => {
    const r = await crm(['hospital', 'list', '--json'], {
      MIKRO_ORM_DEBUG: 'true',
      MIKRO_ORM_COLORS: 'false',
    });
    expect(r.code, r.stderr).toBe(0);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/\[query\]/);
  });
});
