/**
 * The fake provider's message list (what the reminder recovery asks Twilio) and its "accepted,
 * but the answer never arrived" plans, through the real SDKs.
 */
import { Client } from '@sendgrid/client';
import sgMail from '@sendgrid/mail';
import twilio from 'twilio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  FAKE_SENDGRID_KEY,
  FAKE_TWILIO,
  type FakeProvider,
  startFakeProvider,
} from '../support/fake-provider.js';

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(() => {
  fake.reset();
});

function twilioClient(options: { timeout?: number } = {}) {
  const client = twilio(FAKE_TWILIO.accountSid, FAKE_TWILIO.authToken, { autoRetry: false, ...options });
  client.api.baseUrl = fake.twilioBaseUrl;
  return client;
}

const ADA = '+2348031234567';
const BOLA = '+2348039876543';

describe('the Twilio message list', () => {
  it('filters by To and DateSent>= and pages the way the SDK follows (newest first)', async () => {
    const client = twilioClient();
    const before = new Date(Date.now() - 60_000);
    for (let i = 0; i < 7; i++) await client.messages.create({ to: ADA, from: '+1500', body: `m${i}` });
    await client.messages.create({ to: BOLA, from: '+1500', body: 'other' });

    const all = await client.messages.list({ to: ADA, dateSentAfter: before, pageSize: 3 });
    expect(all.map((m) => m.body)).toEqual(['m6', 'm5', 'm4', 'm3', 'm2', 'm1', 'm0']);
    expect(all.every((m) => m.to === ADA && m.sid.startsWith('SM'))).toBe(true);
    // Three pages of three were asked for.
    const lists = fake.requestsFor('twilio.messages.list');
    expect(lists).toHaveLength(3);
    expect(lists[0].query).toMatchObject({
      To: ADA,
      'DateSent>': before.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });

    const limited = await client.messages.list({ to: ADA, limit: 2 });
    expect(limited.map((m) => m.body)).toEqual(['m6', 'm5']);
    const later = await client.messages.list({ to: ADA, dateSentAfter: new Date(Date.now() + 60_000) });
    expect(later).toEqual([]);
  });

  it('lists a message whose answer was lost: accept-then-drop (network error) and accept-then-hang (timeout)', async () => {
    const client = twilioClient({ timeout: 300 });
    fake.failNext(1, { kind: 'accept-then-drop' }, 'twilio.messages.create');
    const dropped = await client.messages.create({ to: ADA, from: '+1500', body: 'dropped' }).catch((e) => e);
    expect(dropped.code).toBe('ECONNRESET');
    fake.failNext(1, { kind: 'accept-then-hang' }, 'twilio.messages.create');
    const hung = await client.messages.create({ to: ADA, from: '+1500', body: 'hung' }).catch((e) => e);
    expect(hung).toBeInstanceOf(Error);
    expect(hung.status).toBeUndefined();

    const listed = await twilioClient().messages.list({ to: ADA });
    expect(listed.map((m) => m.body)).toEqual(['hung', 'dropped']);
    expect(fake.twilioMessages()).toHaveLength(2);
  });
});

describe('SendGrid accept-then-drop', () => {
  it('records the mail and drops the connection', async () => {
    const client = new Client();
    client.setApiKey(FAKE_SENDGRID_KEY);
    client.setDefaultRequest('baseUrl', fake.sendgridBaseUrl);
    sgMail.setClient(client);
    fake.failNext(1, { kind: 'accept-then-drop' }, 'sendgrid.mail.send');
    const error = await sgMail
      .send({ to: 'ada@example.ng', from: 'care@hospital.example', subject: 's', text: 't' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(Error);
    expect(fake.sendgridMails()).toHaveLength(1);
  });
});
