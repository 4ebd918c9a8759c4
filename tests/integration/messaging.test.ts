import { DateTime } from 'luxon';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/database.js';
import { queryOne } from '../../src/core/db/sql.js';
import { UnavailableError, ValidationError } from '../../src/core/errors.js';
import { listMessages } from '../../src/core/messaging/message.queries.js';
import { loadMessagingConfig, type MessagingConfig } from '../../src/core/messaging/messaging.config.js';
import { backoffDelay, createMessenger, type Messenger } from '../../src/core/messaging/messenger.js';
import { createProvider } from '../../src/core/messaging/providers.js';
import { quietPeriodEnd } from '../../src/core/messaging/quiet-hours.js';
import { countSegments } from '../../src/core/messaging/segments.js';
import { sendMessage } from '../../src/core/messaging/send-message.js';
import { setTemplate } from '../../src/core/messaging/set-template.js';
import { syncMessages } from '../../src/core/messaging/sync-messages.js';
import { pickVariant, renderTemplate, validateTemplate } from '../../src/core/messaging/template.js';
import { loadTemplate } from '../../src/core/messaging/template.queries.js';
import { addPatient } from '../../src/core/patients/add-patient.js';
import { fixedClock, LAGOS } from '../../src/core/time.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import {
  FAKE_SENDGRID_KEY,
  FAKE_TWILIO,
  type FakeProvider,
  startFakeProvider,
} from '../support/fake-provider.js';
import { fakeMessagingConfig, SENDGRID_FROM, TWILIO_SMS_FROM } from '../support/reminders-seed.js';
import { services } from '../support/services.js';

let fake: FakeProvider;
let config: MessagingConfig;
let messenger: Messenger;

beforeAll(async () => {
  fake = await startFakeProvider();
  config = fakeMessagingConfig(fake);
  messenger = createMessenger(await createProvider(config, ['sms', 'whatsapp', 'email']), config);
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(() => fake.reset());

const HX = `HX${'ab'.repeat(16)}`;

describe('messaging through the real SDKs against the fake provider', () => {
  it('sends an SMS with exactly To, From and Body, authenticated with Basic auth', async () => {
    const r = await messenger.send({ channel: 'sms', to: '+2348031234567', body: 'Hello Ada' });
    expect(r).toMatchObject({ ok: true, status: 'queued', tries: 1 });
    const [req] = fake.requestsFor('twilio.messages.create');
    expect(req.path).toBe(`/2010-04-01/Accounts/${FAKE_TWILIO.accountSid}/Messages.json`);
    expect(req.form).toEqual({ To: '+2348031234567', From: TWILIO_SMS_FROM, Body: 'Hello Ada' });
    expect(req.headers.authorization).toBe(
      `Basic ${Buffer.from(`${FAKE_TWILIO.accountSid}:${FAKE_TWILIO.authToken}`).toString('base64')}`,
    );
  });

  it('uses the Messaging Service instead of a From number when configured', async () => {
    const svc = fakeMessagingConfig(fake, { TWILIO_MESSAGING_SERVICE_SID: `MG${'1'.repeat(32)}` });
    const m = createMessenger(await createProvider(svc, ['sms']), svc);
    await m.send({ channel: 'sms', to: '+2348031234567', body: 'x' });
    expect(fake.requests[0].form).toEqual({
      To: '+2348031234567',
      MessagingServiceSid: `MG${'1'.repeat(32)}`,
      Body: 'x',
    });
  });

  it('sends WhatsApp free-form inside a session, and ContentSid + ContentVariables to start one', async () => {
    await messenger.send({ channel: 'whatsapp', to: '+2348031234567', body: 'Thanks for your reply' });
    await messenger.send({
      channel: 'whatsapp',
      to: '+2348031234567',
      body: 'ignored when a template is used',
      contentSid: HX,
      contentVariables: { 1: 'Ada', 2: 'Tue 1 Dec, 10:00' },
    });
    const [free, templated] = fake.requestsFor('twilio.messages.create');
    expect(free.form).toEqual({
      To: 'whatsapp:+2348031234567',
      From: 'whatsapp:+14155238886',
      Body: 'Thanks for your reply',
    });
    expect(templated.form).toEqual({
      To: 'whatsapp:+2348031234567',
      From: 'whatsapp:+14155238886',
      ContentSid: HX,
      ContentVariables: JSON.stringify({ 1: 'Ada', 2: 'Tue 1 Dec, 10:00' }),
    });
  });

  it('sends e-mail through SendGrid with a Bearer key and the X-Message-Id as provider id', async () => {
    const r = await messenger.send({
      channel: 'email',
      to: 'ada@example.ng',
      subject: 'Reminder',
      body: 'See you',
    });
    expect(r.ok).toBe(true);
    const [req] = fake.requestsFor('sendgrid.mail.send');
    expect(req.headers.authorization).toBe(`Bearer ${FAKE_SENDGRID_KEY}`);
    expect(req.json).toMatchObject({
      from: { email: SENDGRID_FROM },
      subject: 'Reminder',
      personalizations: [{ to: [{ email: 'ada@example.ng' }] }],
      content: [{ type: 'text/plain', value: 'See you' }],
    });
    expect(r.ok && r.providerMessageId).toBe(fake.sendgridMails()[0].messageId);
  });

  it('retries a 429 and succeeds on the second try', async () => {
    fake.failNext(1, { status: 429, retryAfter: 0 });
    const r = await messenger.send({ channel: 'sms', to: '+2348031234567', body: 'x' });
    expect(r).toMatchObject({ ok: true, tries: 2 });
    expect(fake.requests.map((q) => q.responseStatus)).toEqual([429, 201]);
  });

  it('a 5xx storm ends, after maxTries, as a transient (retryable) failure', async () => {
    fake.plan('any', { status: 503 }, Number.POSITIVE_INFINITY);
    const r = await messenger.send({ channel: 'sms', to: '+2348031234567', body: 'x' });
    expect(r).toMatchObject({ ok: false, transient: true, errorCode: '20503', tries: config.maxTries });
    expect(fake.requests).toHaveLength(config.maxTries);
    fake.reset();
    fake.plan('sendgrid', { kind: 'sendgrid-error', status: 500 }, Number.POSITIVE_INFINITY);
    const e = await messenger.send({ channel: 'email', to: 'a@example.ng', subject: 's', body: 'b' });
    expect(e).toMatchObject({ ok: false, transient: true, errorCode: 'http_500' });
  });

  it('a dropped connection is transient; 21211, 21610, SendGrid 400 and an HTML 413 are permanent, tried once', async () => {
    fake.failNext(1, { kind: 'drop' });
    expect(await messenger.send({ channel: 'sms', to: '+2348031234567', body: 'x' })).toMatchObject({
      ok: true,
      tries: 2,
    });
    for (const code of [21211, 21610]) {
      fake.reset();
      fake.failNext(1, { kind: 'twilio-error', code });
      const r = await messenger.send({ channel: 'sms', to: '+2348031234567', body: 'x' });
      expect(r).toMatchObject({ ok: false, transient: false, errorCode: String(code), tries: 1 });
    }
    fake.reset();
    fake.failNext(1, {
      kind: 'sendgrid-error',
      status: 400,
      errors: [{ message: 'bad from', field: 'from' }],
    });
    expect(
      await messenger.send({ channel: 'email', to: 'a@example.ng', subject: 's', body: 'b' }),
    ).toMatchObject({
      ok: false,
      transient: false,
      errorCode: 'http_400',
      errorMessage: 'bad from',
      tries: 1,
    });
    fake.reset();
    fake.failNext(1, { kind: 'html', status: 413 });
    expect(
      await messenger.send({ channel: 'email', to: 'a@example.ng', subject: 's', body: 'b' }),
    ).toMatchObject({
      ok: false,
      transient: false,
      errorCode: 'http_413',
      tries: 1,
    });
  });

  it('a channel without credentials is exit 7 naming the missing variables', async () => {
    const bare = loadMessagingConfig({ TWILIO_ACCOUNT_SID: FAKE_TWILIO.accountSid });
    const error = await createProvider(bare, ['sms', 'email']).catch((e) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.exitCode).toBe(7);
    expect(error.message).toContain('TWILIO_AUTH_TOKEN');
    expect(error.message).toContain('TWILIO_SMS_FROM or TWILIO_MESSAGING_SERVICE_SID');
    expect(error.message).toContain('SENDGRID_API_KEY, SENDGRID_FROM');
    expect(error.message).not.toContain(FAKE_TWILIO.accountSid);
  });

  it('paces a channel to its rate limit', async () => {
    const slow = fakeMessagingConfig(fake, { CRM_RATE_SMS: '20' });
    const m = createMessenger(await createProvider(slow, ['sms']), slow);
    const start = Date.now();
    await Promise.all(
      Array.from({ length: 6 }, () => m.send({ channel: 'sms', to: '+2348031234567', body: 'x' })),
    );
    // 6 messages at 20/s: the last one leaves 5 intervals of 50 ms after the first.
    expect(Date.now() - start).toBeGreaterThanOrEqual(240);
  });
});

describe('backoff, quiet hours, templates, segments', () => {
  it('backs off exponentially with full jitter, capped', () => {
    expect(backoffDelay(1, 100, 10_000, () => 1)).toBe(100);
    expect(backoffDelay(4, 100, 10_000, () => 1)).toBe(800);
    expect(backoffDelay(20, 100, 10_000, () => 1)).toBe(10_000);
    expect(backoffDelay(4, 100, 10_000, () => 0)).toBe(0);
  });

  it('knows when the quiet hours end (21:00–08:00 Lagos by default, configurable)', () => {
    const q = loadMessagingConfig({}).quietHours;
    const at = (s: string) => DateTime.fromISO(s, { zone: LAGOS });
    expect(quietPeriodEnd(at('2026-11-30T22:30'), q)?.toISO()).toBe('2026-12-01T08:00:00.000+01:00');
    expect(quietPeriodEnd(at('2026-12-01T05:00'), q)?.toISO()).toBe('2026-12-01T08:00:00.000+01:00');
    expect(quietPeriodEnd(at('2026-12-01T08:00'), q)).toBeUndefined();
    expect(quietPeriodEnd(at('2026-12-01T20:59'), q)).toBeUndefined();
    expect(quietPeriodEnd(at('2026-12-01T21:00'), q)?.toISO()).toBe('2026-12-02T08:00:00.000+01:00');
    const custom = loadMessagingConfig({ CRM_QUIET_HOURS: '22:00-06:30' }).quietHours;
    expect(quietPeriodEnd(at('2026-12-01T21:30'), custom)).toBeUndefined();
    expect(quietPeriodEnd(at('2026-12-01T06:00'), custom)?.toISO()).toBe('2026-12-01T06:30:00.000+01:00');
    expect(loadMessagingConfig({ CRM_QUIET_HOURS: 'off' }).quietHours).toBeNull();
    expect(() => loadMessagingConfig({ CRM_QUIET_HOURS: '9pm-8am' })).toThrow(ValidationError);
  });

  it('refuses unknown variables when a template is checked, renders known ones', () => {
    expect(validateTemplate('Hi {{first_name}}, {{ appointment_time }}')).toEqual([
      'first_name',
      'appointment_time',
    ]);
    expect(() => validateTemplate('Hi {{firstname}}')).toThrow(/unknown variable.*\{\{firstname\}\}/);
    expect(() => validateTemplate('Hi {{first_name}')).toThrow(/unclosed/);
    expect(
      renderTemplate('{{first_name}} {{tier}} {{loyalty_points}}', { first_name: 'Ada', loyalty_points: 50 }),
    ).toBe('Ada  50');
  });

  it('counts ₦ and emoji as UCS-2 and GSM-7 extension characters as two septets', () => {
    expect(countSegments('Pay ₦5,000 at the desk')).toMatchObject({ encoding: 'UCS-2', segments: 1 });
    expect(countSegments('₦'.repeat(71))).toMatchObject({ encoding: 'UCS-2', segments: 2 });
    expect(countSegments(`${'a'.repeat(68)}😀`)).toMatchObject({
      encoding: 'UCS-2',
      characters: 70,
      segments: 1,
    });
    expect(countSegments(`${'a'.repeat(158)}€`)).toMatchObject({
      encoding: 'GSM-7',
      characters: 160,
      segments: 1,
    });
    expect(countSegments(`${'a'.repeat(159)}[`)).toMatchObject({
      encoding: 'GSM-7',
      characters: 161,
      segments: 2,
    });
  });
});

describe('messages table, templates and opt-outs (database)', () => {
  let tdb: TestDatabase;
  let db: Database;
  const clock = fixedClock(DateTime.fromISO('2026-11-20T12:00:00+01:00'));
  const actor = { operator: 'tester', command: 'test' };

  beforeAll(async () => {
    tdb = await createTestDatabase();
    db = await tdb.open();
  });
  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  it('saves language variants, refuses unknown variables at save time, falls back to English', async () => {
    await expect(
      setTemplate(services(db, { actor }), { key: 'reminder', language: 'yo', body: 'E kaabo {{first}}' }),
    ).rejects.toThrow(/unknown variable/);
    await setTemplate(services(db, { actor }), {
      key: 'reminder',
      language: 'pcm',
      body: '{{first_name}}, no forget o',
    });
    const variants = await loadTemplate(db.em(), 'reminder');
    expect(pickVariant(variants, 'pcm')?.body).toBe('{{first_name}}, no forget o');
    expect(pickVariant(variants, 'ig')?.language).toBe('en');
  });

  it('writes the row before the provider answers, records the outcome; 21610 opts the patient out', async () => {
    const patient = await addPatient(services(db, { clock, actor }), {
      firstName: 'Ada',
      lastName: 'Obi',
      phone: '08031234567',
    });
    fake.failNext(1, { kind: 'twilio-error', code: 21610, delayMs: 1500 });
    const sending = sendMessage(services(db, { clock, actor }), messenger, {
      channel: 'sms',
      to: patient.phone!,
      body: 'Pay ₦5,000',
      purpose: 'alert',
      patientId: patient.id,
    });
    await fake.waitForRequests(1);
    // While the provider is still answering, the row is already there, pending.
    const during = await queryOne<{ status: string; recipient: string }>(
      db.em(),
      'select status, recipient from messages order by created_at desc limit 1',
    );
    expect(during).toEqual({ status: 'pending', recipient: '+2348031234567' });
    const sent = await sending;
    expect(sent).toMatchObject({ status: 'failed', errorCode: '21610', transient: false });
    const row = await queryOne<{ status: string; segments: number; attempts: number }>(
      db.em(),
      'select status, segments, attempts from messages where id = $1',
      [sent.id],
    );
    expect(row).toEqual({ status: 'failed', segments: 1, attempts: 1 });
    const p = await queryOne<{ opted_out_sms: boolean; opted_out_email: boolean }>(
      db.em(),
      'select opted_out_sms, opted_out_email from patient where id = $1',
      [patient.id],
    );
    expect(p).toEqual({ opted_out_sms: true, opted_out_email: false });
    const failed = await listMessages(services(db), { status: 'failed' });
    expect(failed[0]).toMatchObject({ recipient: '+234803***4567', errorCode: '21610' });
  });

  it('message sync learns asynchronous failures (WhatsApp 63016) and deliveries', async () => {
    fake.failNext(1, { kind: 'twilio-async-failure', errorCode: 63016 });
    const wa = await sendMessage(services(db, { clock, actor }), messenger, {
      channel: 'whatsapp',
      to: '+2348031234567',
      body: 'free-form',
      purpose: 'alert',
    });
    const sms = await sendMessage(services(db, { clock, actor }), messenger, {
      channel: 'sms',
      to: '+2348031234567',
      body: 'hello',
      purpose: 'alert',
    });
    expect(wa.status).toBe('queued');
    const result = await syncMessages(services(db, { clock, actor }), messenger);
    expect(result).toMatchObject({ checked: 2, updated: 2 });
    const rows = await listMessages(services(db), {});
    expect(rows.find((m) => m.id === wa.id)).toMatchObject({ status: 'failed', errorCode: '63016' });
    expect(rows.find((m) => m.id === sms.id)).toMatchObject({ status: 'delivered' });
  });

  it('message sync asks for the providers of the channels it has messages of, and only those', async () => {
    const sms = await sendMessage(services(db, { clock, actor }), messenger, {
      channel: 'sms',
      to: '+2348031234567',
      body: 'only sms here',
      purpose: 'alert',
    });
    const asked: string[][] = [];
    const result = await syncMessages(
      services(db, { clock, actor }),
      async (channels) => {
        asked.push([...channels].sort());
        return messenger;
      },
      { sinceHours: 72 },
    );
    expect(result.updated).toBeGreaterThanOrEqual(1);
    // SMS (and any earlier test's WhatsApp still open) — never a channel without messages to sync
    for (const channels of asked) expect(channels).not.toContain('email');
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain('sms');
    const rows = await listMessages(services(db), {});
    expect(rows.find((m) => m.id === sms.id)).toMatchObject({ status: 'delivered' });
  });
});
