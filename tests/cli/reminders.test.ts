import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { query } from '../../src/core/db/sql.js';
import { runCli, startCli } from '../support/cli.js';
import { createTestDatabase, sharedDatabase, sqlOnce, type TestDatabase } from '../support/db.js';
import { type FakeProvider, startFakeProvider } from '../support/fake-provider.js';
import { clearScheduling, fakeProviderEnv, seedDueReminders } from '../support/reminders-seed.js';

let tdb: TestDatabase;
let fake: FakeProvider;
const NOW = '2026-11-24T10:00:00+01:00';

beforeAll(async () => {
  [tdb, fake] = await Promise.all([createTestDatabase(), startFakeProvider()]);
});
afterAll(async () => {
  await tdb?.drop();
  await fake?.close();
});
beforeEach(async () => {
  fake.reset();
  const db = await tdb.open();
  try {
    await clearScheduling(db.em());
  } finally {
    await db.close();
  }
});

const crm = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { ...tdb.env, CRM_NOW: '2026-11-20T12:00:00+01:00', ...env });

async function seedOneDoctor() {
  for (const args of [
    ['hospital', 'add', '--code', 'LAG-001', '--name', 'Lagos Island', '--state', 'Lagos', '--city', 'Lagos'],
    [
      'patient',
      'add',
      '--first-name',
      'Ada',
      '--last-name',
      'Obi',
      '--phone',
      '08031234567',
      '--hospital',
      'LAG-001',
    ],
    ['doctor', 'add', '--hospital', 'LAG-001', '--name', 'Dr. Ngozi Okafor', '--department', 'cardiology'],
    ['doctor', 'availability', 'DR-0001', '--day', 'tue', '--from', '09:00', '--to', '13:00'],
  ]) {
    const r = await crm(args);
    expect(r.code, r.stderr).toBe(0);
  }
}

async function seed(count: number) {
  const db = await tdb.open();
  try {
    await seedDueReminders(db.em(), {
      count,
      dueAt: '2026-11-24T09:00:00+01:00',
      startsAt: '2026-12-01T00:00:00+01:00',
    });
  } finally {
    await db.close();
  }
}

const recipientsAtFake = () => fake.requestsFor('twilio.messages.create').map((r) => r.form!.To as string);

describe('doctor, appointment and reminder commands end to end', () => {
  it('schedules, names the clash (exit 5), sends the due reminder through the fake provider', async () => {
    await seedOneDoctor();
    const ok = await crm([
      'appointment',
      'schedule',
      '--patient',
      '08031234567',
      '--doctor',
      'DR-0001',
      '--type',
      'consultation',
      '--at',
      '2026-12-01 10:00',
      '--json',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      code: 'AP-000001',
      time: 'Tue 1 Dec, 10:00',
      status: 'scheduled',
    });
    const clash = await crm([
      'appointment',
      'schedule',
      '--patient',
      '08031234567',
      '--doctor',
      'DR-0001',
      '--type',
      'follow-up',
      '--at',
      '2026-12-01 10:20',
    ]);
    expect(clash.code).toBe(5);
    expect(clash.stderr).toMatch(/^warning: CRM_NOW is set.*\ncrm: error: overlaps appointment AP-000001 /);
    expect(clash.stderr).not.toMatch(/\n\s+at /);

    // --live: a rehearsal (CRM_NOW) would otherwise be a dry run, which needs no credentials.
    const missing = await crm(['reminder', 'send', '--json', '--live'], { CRM_NOW: NOW });
    expect(missing.code).toBe(7);
    expect(missing.stderr).toMatch(
      /sms needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_SMS_FROM or TWILIO_MESSAGING_SERVICE_SID/,
    );
    expect(missing.stdout).toBe('');

    const dry = await crm(['reminder', 'send', '--dry-run', '--json'], { CRM_NOW: NOW });
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual({ sent: 1, failed: 0, deferred: 0, expired: 0, retrying: 0 });

    // A rehearsal against the real providers' URLs is a dry run, and says so: nothing sent or written.
    const rehearsal = await crm(['reminder', 'send', '--json'], {
      ...fakeProviderEnv(fake, {
        CRM_TWILIO_BASE_URL: 'https://api.twilio.com',
        CRM_SENDGRID_BASE_URL: 'https://api.sendgrid.com/',
      }),
      CRM_NOW: NOW,
    });
    expect(rehearsal.code, rehearsal.stderr).toBe(0);
    expect(rehearsal.stderr).toMatch(
      /CRM_NOW is set \(a rehearsal\): this is a dry run, nothing is sent or written; pass --live to send for real/,
    );
    expect(JSON.parse(rehearsal.stdout)).toEqual({
      sent: 1,
      failed: 0,
      deferred: 0,
      expired: 0,
      retrying: 0,
    });
    expect(recipientsAtFake()).toEqual([]);

    // The fake provider on this machine: a rehearsal sends to it.
    const sent = await crm(['reminder', 'send', '--json'], { ...fakeProviderEnv(fake), CRM_NOW: NOW });
    expect(sent.code, sent.stderr).toBe(0);
    expect(JSON.parse(sent.stdout)).toEqual({ sent: 1, failed: 0, deferred: 0, expired: 0, retrying: 0 });
    expect(recipientsAtFake()).toEqual(['+2348031234567']);

    const list = await crm(['message', 'list', '--json']);
    expect(JSON.parse(list.stdout)).toMatchObject([
      { channel: 'sms', recipient: '+234803***4567', purpose: 'reminder', status: 'queued', attempts: 1 },
    ]);
    const sync = await crm(['message', 'sync', '--json'], { ...fakeProviderEnv(fake), CRM_NOW: NOW });
    expect(JSON.parse(sync.stdout)).toMatchObject({ checked: 1, updated: 1, byStatus: { delivered: 1 } });
    const slots = await crm(['doctor', 'slots', 'DR-0001', '--date', '2026-12-01', '--json']);
    expect(JSON.parse(slots.stdout).slots.map((s: { time: string }) => s.time)).not.toContain('10:00');
  }, 240_000);

  it('message templates: an unknown variable is refused when saved (exit 3), a variant is saved', async () => {
    const bad = await crm([
      'message',
      'template',
      'set',
      'reminder',
      '--language',
      'yo',
      '--body',
      'E kaabo {{name}}',
    ]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/body: unknown variable; use \{\{first_name\}\}.* \(got "\{\{name\}\}"\)/);
    const ok = await crm([
      'message',
      'template',
      'set',
      'reminder',
      '--language',
      'yo',
      '--body',
      'E kaabo {{first_name}}',
      '--json',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      key: 'reminder',
      language: 'yo',
      body: 'E kaabo {{first_name}}',
    });
  });

  it('a permanent failure exits 6 after printing the summary', async () => {
    await seed(3);
    fake.failNext(1, { kind: 'twilio-error', code: 21211 });
    const r = await crm(['reminder', 'send', '--json'], { ...fakeProviderEnv(fake), CRM_NOW: NOW });
    expect(r.code).toBe(6);
    expect(JSON.parse(r.stdout)).toEqual({ sent: 2, failed: 1, deferred: 0, expired: 0, retrying: 0 });
    const failed = await crm(['message', 'list', '--status', 'failed', '--json']);
    expect(JSON.parse(failed.stdout)).toMatchObject([{ errorCode: '21211' }]);
  });
});

// Several processes on one database at once: PostgreSQL, or the embedded database's service.
// Through the embedded service every statement of 20 processes queues on one session: slower
// than a server on a loaded machine (the 4-runner test took 108 s there), so a longer time-out.
describe.runIf(sharedDatabase)('concurrency', { timeout: 300_000 }, () => {
  it('20 concurrent bookings of overlapping slots of one doctor: exactly one succeeds', async () => {
    await seedOneDoctor();
    // 20 patients, so that only the doctor's constraint can refuse them.
    const db = await tdb.open();
    try {
      await query(
        db.em(),
        `insert into patient (first_name, last_name, phone) select 'P' || i, 'X', '+234805' || lpad(i::text, 7, '0') from generate_series(1, 20) i`,
      );
    } finally {
      await db.close();
    }
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        crm([
          'appointment',
          'schedule',
          '--patient',
          `+234805${String(i + 1).padStart(7, '0')}`,
          '--doctor',
          'DR-0001',
          '--type',
          'consultation',
          '--at',
          `2026-12-01 10:${String(i).padStart(2, '0')}`,
        ]),
      ),
    );
    const codes = results.map((r) => r.code);
    expect(codes.filter((c) => c === 0)).toHaveLength(1);
    expect(codes.filter((c) => c === 5)).toHaveLength(19);
    for (const r of results.filter((x) => x.code === 5))
      expect(r.stderr).toMatch(/overlaps appointment AP-\d{6} /);
    const [{ n }] = await sqlOnce<{ n: number }>(
      tdb,
      `select count(*)::int as n from appointment where status = 'scheduled'`,
    );
    expect(n).toBe(1);
  });

  it('4 concurrent reminder runners over 2,000 due reminders send each exactly once', async () => {
    await seed(2000);
    const env = { ...fakeProviderEnv(fake), CRM_NOW: NOW, CRM_REMINDER_BATCH: '50' };
    const runs = await Promise.all(Array.from({ length: 4 }, () => crm(['reminder', 'send', '--json'], env)));
    const summaries = runs.map((r) => {
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    });
    expect(summaries.reduce((s, x) => s + x.sent, 0)).toBe(2000);
    // Each runner did part of the work (they really ran side by side).
    expect(summaries.filter((x) => x.sent > 0).length).toBeGreaterThan(1);
    const to = recipientsAtFake();
    expect(to).toHaveLength(2000);
    expect(new Set(to).size).toBe(2000);
    const [row] = await sqlOnce<{ sent: number; messages: number }>(
      tdb,
      `select (select count(*)::int from reminder where status = 'sent') as sent,
              (select count(*)::int from messages where status = 'queued') as messages`,
    );
    expect(row).toEqual({ sent: 2000, messages: 2000 });
  });

  const LEASE_SECONDS = 15;
  async function waitForLeasesToExpire(): Promise<void> {
    for (;;) {
      const [{ leased }] = await sqlOnce<{ leased: number }>(
        tdb,
        `select count(*)::int as leased from reminder where status = 'pending' and claimed_until > now()`,
      );
      if (leased === 0) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it('a runner killed with SIGKILL mid-batch: after the lease every reminder reaches the provider exactly once, no row left pending', async () => {
    await seed(2000);
    const concurrency = 8;
    const env = {
      ...fakeProviderEnv(fake),
      CRM_NOW: NOW,
      CRM_REMINDER_BATCH: '100',
      CRM_REMINDER_CONCURRENCY: String(concurrency),
      // Long enough that the dry run just after the kill still sees the dead runner's claims
      // however slowly the machine starts the next process (a 3 s lease ran out first under load).
      CRM_REMINDER_LEASE_SECONDS: String(LEASE_SECONDS),
    };
    // The first 400 messages are answered; from then on Twilio accepts each message and the answer
    // never arrives, so the group on the wire when the runner dies is one Twilio has, unrecorded.
    fake.plan('twilio.messages.create', { kind: 'success', delayMs: 2 }, 400);
    const lost = fake.plan('twilio.messages.create', { kind: 'accept-then-hang' }, Number.POSITIVE_INFINITY);
    const child = startCli(['reminder', 'send', '--json'], { ...tdb.env, ...env });
    await fake.waitForRequests(400 + concurrency, 'twilio.messages.create', 60_000);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    lost.cancel();
    expect(fake.twilioMessages()).toHaveLength(400 + concurrency);
    const [state] = await sqlOnce<{ sent: number; leased: number; sending: number }>(
      tdb,
      `select count(*) filter (where status = 'sent')::int as sent,
              count(*) filter (where status = 'pending' and claimed_until is not null)::int as leased,
              (select count(*)::int from messages where status = 'sending') as sending from reminder`,
    );
    expect(state.sent).toBeGreaterThan(0);
    expect(state.leased).toBeGreaterThan(0);
    expect(state.leased).toBeLessThanOrEqual(100);
    // The group on the wire, marked before its calls; no answer of theirs was recorded.
    expect(state.sending).toBe(concurrency);

    // Straight away, the leased reminders are not due for anyone else (the dry run shows what a run would take).
    const dry = await crm(['reminder', 'send', '--dry-run', '--json'], env);
    expect(JSON.parse(dry.stdout).sent).toBe(2000 - state.sent - state.leased);
    // After the lease, one run settles the dead runner's claims (the group Twilio has is found in
    // its message list and recorded) and sends all the rest. Waits for the database to see every
    // claim expired rather than for a fixed time.
    await waitForLeasesToExpire();
    const rerun = await crm(['reminder', 'send', '--json'], env);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(JSON.parse(rerun.stdout).sent).toBe(2000 - state.sent);
    expect(fake.requestsFor('twilio.messages.list').length).toBeGreaterThanOrEqual(concurrency);

    const to = recipientsAtFake();
    expect(to).toHaveLength(2000);
    expect(new Set(to).size).toBe(2000);
    const [done] = await sqlOnce<{ sent: number; open: number; recorded: number }>(
      tdb,
      `select count(*) filter (where status = 'sent')::int as sent,
              (select count(*)::int from messages where status in ('pending', 'sending', 'unknown')) as open,
              (select count(distinct provider_message_id)::int from messages where status = 'queued') as recorded
       from reminder`,
    );
    expect(done).toEqual({ sent: 2000, open: 0, recorded: 2000 });
  });
});
