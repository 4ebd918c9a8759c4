import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { query } from '../../src/core/db/sql.js';
import { jsonOf, runCli, startCli } from '../support/cli.js';
import { createTestDatabase, sharedDatabase, type TestDatabase, truncateForTest } from '../support/db.js';
import { type FakeProvider, startFakeProvider } from '../support/fake-provider.js';
import { writeTempFile } from '../support/files.js';
import { fakeProviderEnv } from '../support/reminders-seed.js';

let tdb: TestDatabase;
let fake: FakeProvider;
const MORNING = '2026-12-02T10:00:00+01:00';

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
    await truncateForTest(
      db.em(),
      'truncate campaign, campaign_recipients, messages, patient, hospital cascade',
    );
  } finally {
    await db.close();
  }
});

const crm = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { ...tdb.env, ...fakeProviderEnv(fake), CRM_NOW: MORNING, ...env });

/** `count` patients consenting to SMS (phones +2348030000001…), half of them Pidgin speakers. */
async function seedPatients(count: number) {
  const db = await tdb.open();
  try {
    await query(
      db.em(),
      `insert into patient (first_name, last_name, phone, preferred_language, consent_sms)
       select 'P' || i, 'Test', '+234803' || lpad(i::text, 7, '0'), case when i % 2 = 0 then 'pcm' else 'en' end, true
       from generate_series(1, $1::int) i`,
      [count],
    );
  } finally {
    await db.close();
  }
}

/** Phones the fake accepted a message for, with how many times each. */
function acceptedPerPhone(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of fake.twilioMessages()) counts.set(m.resource.to, (counts.get(m.resource.to) ?? 0) + 1);
  return counts;
}

describe('campaign commands end to end', () => {
  it('create validates at create time (exit 3), prints the slug; send needs --yes without a terminal; --json is exact', async () => {
    for (const [extra, pattern] of [
      [['--channel', 'sms', '--template', 'Hi {{frist_name}}'], /unknown variable/],
      [['--channel', 'whatsapp', '--template', 'Hi {{first_name}}'], /Content SID/],
      [['--channel', 'email', '--template', 'Hi {{first_name}}'], /subject/],
    ] as const) {
      const r = await crm(['campaign', 'create', '--name', 'Bad', '--segment', 'all-patients', ...extra]);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    await seedPatients(4);
    const file = writeTempFile(
      '[en]\nHello {{first_name}}, time for your checkup.\n[pcm]\nHow far {{first_name}}, make you come check body.\n',
    );
    const created = await crm([
      'campaign',
      'create',
      '--name',
      'December checkup',
      '--segment',
      'all-patients',
      '--channel',
      'sms',
      '--template-file',
      file,
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout.trim()).toBe('december-checkup');
    const again = await crm([
      'campaign',
      'create',
      '--name',
      'December checkup',
      '--segment',
      'all-patients',
      '--channel',
      'sms',
      '--template',
      'Hi',
    ]);
    expect(again.stdout.trim()).toBe('december-checkup-2');

    const preview = jsonOf(await crm(['campaign', 'preview', 'december-checkup', '--json']));
    expect(preview).toMatchObject({ audience: 4, totalSegments: 4, estimatedCost: '₦16.00' });
    expect(preview.samples.map((s: { language: string }) => s.language)).toEqual(['en', 'pcm']);

    const refused = await crm(['campaign', 'send', 'december-checkup']);
    expect(refused.code).toBe(2);
    // The refusal names the channel and the audience the send would reach.
    expect(refused.stderr).toMatch(/it would send campaign december-checkup by \w+ to \d+ patient\(s\)/);
    expect(fake.requests).toHaveLength(0);

    const dry = await crm(['campaign', 'send', 'december-checkup', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(fake.requests).toHaveLength(0);

    const test = await crm(['campaign', 'test', 'december-checkup', '--to', '0809 999 0000', '--json']);
    expect(jsonOf(test)).toMatchObject({ status: 'queued' });
    expect(fake.requestsFor('twilio.messages.create')[0].form!.Body).toBe(
      'Hello Test, time for your checkup.',
    );

    const sent = await crm(['campaign', 'send', 'december-checkup', '--yes', '--json']);
    expect(JSON.parse(sent.stdout)).toEqual({
      successCount: 4,
      failureCount: 0,
      skippedCount: 0,
      deliveryRate: 1,
    });
    expect(fake.requestsFor('twilio.messages.create')).toHaveLength(5);

    const status = jsonOf(await crm(['campaign', 'status', 'december-checkup', '--json']));
    expect(status).toMatchObject({
      byStatus: { sent: 4 },
      successCount: 4,
      deliveryRate: 1,
      campaign: { status: 'completed' },
    });
    const list = jsonOf(await crm(['campaign', 'list', '--json']));
    expect(list.map((c: { slug: string; status: string }) => [c.slug, c.status])).toEqual([
      ['december-checkup-2', 'draft'],
      ['december-checkup', 'completed'],
    ]);
    const cancelled = await crm(['campaign', 'cancel', 'december-checkup-2', '--yes']);
    expect(cancelled.code, cancelled.stderr).toBe(0);
  }, 600_000);
});

describe.runIf(sharedDatabase)('several senders and killed senders (PostgreSQL, embedded service)', () => {
  const create = async (name: string) => {
    const r = await crm([
      'campaign',
      'create',
      '--name',
      name,
      '--segment',
      'all-patients',
      '--channel',
      'sms',
      '--template',
      'Hello {{first_name}}',
    ]);
    expect(r.code, r.stderr).toBe(0);
    return r.stdout.trim();
  };

  it('two senders at once share the work without overlap', async () => {
    await seedPatients(400);
    const slug = await create('Shared');
    const env = { CRM_CAMPAIGN_BATCH: '20' };
    const [a, b] = await Promise.all([
      crm(['campaign', 'send', slug, '--yes', '--json'], env),
      crm(['campaign', 'send', slug, '--yes', '--json'], env),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const counts = acceptedPerPhone();
    expect(counts.size).toBe(400);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(JSON.parse(b.stdout)).toMatchObject({ successCount: 400 });
  }, 240_000);

  it('a sender killed mid-send (SIGKILL), run again: every recipient exactly once at the provider', async () => {
    await seedPatients(300);
    const slug = await create('Killed');
    // Slow answers, so that the kill lands while calls are in flight.
    fake.plan('twilio.messages.create', { kind: 'success', delayMs: 30 } as never, Number.POSITIVE_INFINITY);
    const env = {
      ...tdb.env,
      ...fakeProviderEnv(fake),
      CRM_NOW: MORNING,
      CRM_CAMPAIGN_BATCH: '50',
      CRM_CAMPAIGN_LEASE_SECONDS: '1',
    };
    const child = startCli(['campaign', 'send', slug, '--yes', '--json'], env);
    await fake.waitForRequests(120, 'twilio.messages.create', 60_000);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const before = fake.twilioMessages().length;
    expect(before).toBeLessThan(300);
    const rerun = await crm(['campaign', 'send', slug, '--yes', '--json'], {
      CRM_CAMPAIGN_LEASE_SECONDS: '1',
    });
    expect(JSON.parse(rerun.stdout), rerun.stderr).toEqual({
      successCount: 300,
      failureCount: 0,
      skippedCount: 0,
      deliveryRate: 1,
    });
    const counts = acceptedPerPhone();
    expect(counts.size).toBe(300);
    expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
  }, 240_000);

  it('an e-mail sender killed during a SendGrid request (SIGKILL), run again: its group is unknown, nobody gets it twice', async () => {
    const db = await tdb.open();
    try {
      await query(
        db.em(),
        `insert into patient (first_name, last_name, email, consent_email)
         select 'M' || i, 'Test', 'm' || i || '@example.ng', true from generate_series(1, 200) i`,
      );
    } finally {
      await db.close();
    }
    const made = await crm([
      'campaign',
      'create',
      '--name',
      'Killed mail',
      '--segment',
      'all-patients',
      '--channel',
      'email',
      '--subject',
      'News',
      '--template',
      'Hello {{first_name}}',
    ]);
    expect(made.code, made.stderr).toBe(0);
    const slug = made.stdout.trim();
    // Two requests answered, the third never: the kill lands while it is on the wire.
    fake.planSequence('sendgrid.mail.send', [
      { kind: 'success' },
      { kind: 'success' },
      { kind: 'hang' },
    ] as never);
    const env = { ...tdb.env, ...fakeProviderEnv(fake), CRM_NOW: MORNING, CRM_CAMPAIGN_LEASE_SECONDS: '1' };
    const child = startCli(['campaign', 'send', slug, '--yes', '--json', '--batch', '50'], env);
    await fake.waitForRequests(3, 'sendgrid.mail.send', 60_000);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const rerun = await crm(['campaign', 'send', slug, '--yes', '--json', '--batch', '50'], {
      CRM_CAMPAIGN_LEASE_SECONDS: '1',
    });
    // The hung request's 50: outcome unknown, assumed sent, not counted as delivered.
    expect(JSON.parse(rerun.stdout), rerun.stderr).toEqual({
      successCount: 150,
      failureCount: 0,
      skippedCount: 0,
      deliveryRate: 1,
    });
    const perAddress = new Map<string, number>();
    for (const r of fake.requestsFor('sendgrid.mail.send'))
      for (const p of (r.json as { personalizations: { to: { email: string }[] }[] }).personalizations)
        perAddress.set(p.to[0].email, (perAddress.get(p.to[0].email) ?? 0) + 1);
    expect(perAddress.size).toBe(200);
    expect([...perAddress.values()].filter((n) => n !== 1)).toEqual([]);
    const status = jsonOf(await crm(['campaign', 'status', slug, '--json']));
    expect(status.byStatus).toEqual({ sent: 150, unknown: 50 });
  }, 240_000);
});
