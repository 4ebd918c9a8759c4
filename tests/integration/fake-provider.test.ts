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

function twilioClient(
  accountSid: string = FAKE_TWILIO.accountSid,
  authToken: string = FAKE_TWILIO.authToken,
) {
  const client = twilio(accountSid, authToken);
  client.api.baseUrl = fake.twilioBaseUrl;
  return client;
}

function sendgrid(apiKey = FAKE_SENDGRID_KEY) {
  const client = new Client();
  client.setApiKey(apiKey); // first: it resets baseUrl
  client.setDefaultRequest('baseUrl', fake.sendgridBaseUrl);
  sgMail.setClient(client);
  sgMail.setTimeout(5000);
  return sgMail;
}

async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const MAIL = {
  to: 'ada@example.com',
  from: 'care@hospital.example',
  subject: 'Appointment reminder',
  text: 'See you tomorrow at 10:00.',
};

describe('fake provider with the real twilio SDK', () => {
  it('creates an SMS and records the form fields and Basic auth', async () => {
    const client = twilioClient();
    const message = await client.messages.create({
      to: '+2348031234567',
      from: '+15005550006',
      body: 'Hello Ada, your appointment is tomorrow at 10:00.',
      statusCallback: 'https://crm.example/status',
    });

    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(message.status).toBe('queued');
    expect(message.to).toBe('+2348031234567');
    expect(message.from).toBe('+15005550006');
    expect(message.body).toBe('Hello Ada, your appointment is tomorrow at 10:00.');
    expect(message.errorCode).toBeNull();
    expect(message.accountSid).toBe(FAKE_TWILIO.accountSid);
    expect(message.dateCreated).toBeInstanceOf(Date);
    expect(Number.isNaN(message.dateCreated.getTime())).toBe(false);

    expect(fake.requests).toHaveLength(1);
    const [req] = fake.requests;
    expect(req).toMatchObject({
      method: 'POST',
      path: `/2010-04-01/Accounts/${FAKE_TWILIO.accountSid}/Messages.json`,
      provider: 'twilio',
      operation: 'twilio.messages.create',
      responseStatus: 201,
    });
    expect(req.form).toEqual({
      To: '+2348031234567',
      From: '+15005550006',
      Body: 'Hello Ada, your appointment is tomorrow at 10:00.',
      StatusCallback: 'https://crm.example/status',
    });
    const basic = Buffer.from(`${FAKE_TWILIO.accountSid}:${FAKE_TWILIO.authToken}`).toString('base64');
    expect(req.headers.authorization).toBe(`Basic ${basic}`);
    expect(fake.twilioMessages().map((m) => m.sid)).toEqual([message.sid]);
  });

  it('creates a WhatsApp template message with ContentSid and ContentVariables', async () => {
    const client = twilioClient();
    const contentSid = `HX${'ab'.repeat(16)}`;
    const variables = JSON.stringify({ 1: 'Ada', 2: 'Mon 10:00' });
    const message = await client.messages.create({
      to: 'whatsapp:+2348031234567',
      from: 'whatsapp:+14155238886',
      contentSid,
      contentVariables: variables,
    });

    expect(message.status).toBe('queued');
    expect(message.to).toBe('whatsapp:+2348031234567');
    expect(fake.requests[0].form).toEqual({
      To: 'whatsapp:+2348031234567',
      From: 'whatsapp:+14155238886',
      ContentSid: contentSid,
      ContentVariables: variables,
    });
  });

  it('answers "accepted" with no from when a Messaging Service is used; repeated MediaUrl is recorded', async () => {
    const client = twilioClient();
    const message = await client.messages.create({
      to: '+2348031234567',
      messagingServiceSid: `MG${'0'.repeat(32)}`,
      body: 'Result ready',
      mediaUrl: ['https://a.example/1.pdf', 'https://a.example/2.pdf'],
    });
    expect(message.status).toBe('accepted');
    expect(message.from).toBeNull();
    expect(message.messagingServiceSid).toBe(`MG${'0'.repeat(32)}`);
    expect(fake.requests[0].form?.MediaUrl).toEqual(['https://a.example/1.pdf', 'https://a.example/2.pdf']);
  });

  it('fetches a message (delivered by default)', async () => {
    const client = twilioClient();
    const created = await client.messages.create({ to: '+2348031234567', from: '+15005550006', body: 'Hi' });
    const fetched = await client.messages(created.sid).fetch();
    expect(fetched).toMatchObject({ sid: created.sid, status: 'delivered', errorCode: null });
    expect(fake.requests[1]).toMatchObject({
      method: 'GET',
      operation: 'twilio.messages.fetch',
      path: `/2010-04-01/Accounts/${FAKE_TWILIO.accountSid}/Messages/${created.sid}.json`,
    });
  });

  it('rejects wrong credentials with 401 / 20003', async () => {
    const client = twilioClient(FAKE_TWILIO.accountSid, 'wrong-token');
    const error = await rejection(client.messages.create({ to: '+2348031234567', from: '+1500', body: 'x' }));
    expect(error).toBeInstanceOf(twilio.RestException);
    expect(error).toMatchObject({ status: 401, code: 20003 });
  });

  it('surfaces a planned 21211 as RestException code 21211, status 400', async () => {
    const client = twilioClient();
    fake.plan('twilio.messages.create', { kind: 'twilio-error', code: 21211 });
    const error = await rejection(client.messages.create({ to: '+2348031234567', from: '+1500', body: 'x' }));
    expect(error).toBeInstanceOf(twilio.RestException);
    expect(error).toMatchObject({
      status: 400,
      code: 21211,
      moreInfo: 'https://www.twilio.com/docs/errors/21211',
    });
    expect(error.message).toContain('not a valid phone number');
    expect(fake.twilioMessages()).toHaveLength(0);
  });

  it('answers 21211 by itself for a To that is not E.164', async () => {
    const client = twilioClient();
    const error = await rejection(client.messages.create({ to: '08031234567', from: '+1500', body: 'x' }));
    expect(error).toMatchObject({ status: 400, code: 21211 });
  });

  it('plans per recipient: 21610 for one number only', async () => {
    const client = twilioClient();
    fake.plan({ to: '+2348030000001' }, { kind: 'twilio-error', code: 21610 }, Number.POSITIVE_INFINITY);
    await expect(
      client.messages.create({ to: '+2348030000002', from: '+1500', body: 'x' }),
    ).resolves.toMatchObject({ status: 'queued' });
    const error = await rejection(client.messages.create({ to: '+2348030000001', from: '+1500', body: 'x' }));
    expect(error).toMatchObject({ status: 400, code: 21610 });
  });

  it('surfaces an HTTP 429 with status 429 (code 20429) and Retry-After, then recovers', async () => {
    const client = twilioClient();
    fake.failNext(1, { kind: 'http', status: 429, retryAfter: 1 });
    const error = await rejection(client.messages.create({ to: '+2348031234567', from: '+1500', body: 'x' }));
    expect(error).toBeInstanceOf(twilio.RestException);
    expect(error).toMatchObject({ status: 429, code: 20429 });
    await expect(
      client.messages.create({ to: '+2348031234567', from: '+1500', body: 'x' }),
    ).resolves.toMatchObject({ status: 'queued' });
    expect(fake.requests.map((r) => r.responseStatus)).toEqual([429, 201]);
  });

  it('surfaces a 500 and a non-JSON 502 (code undefined)', async () => {
    const client = twilioClient();
    fake.planSequence('twilio', [
      { status: 500 },
      { status: 502, body: 'Bad Gateway', contentType: 'text/plain' },
    ]);
    const first = await rejection(client.messages.create({ to: '+2348031234567', from: '+1500', body: 'x' }));
    expect(first).toMatchObject({ status: 500, code: 20500 });
    const second = await rejection(
      client.messages.create({ to: '+2348031234567', from: '+1500', body: 'x' }),
    );
    expect(second).toBeInstanceOf(twilio.RestException);
    expect(second.status).toBe(502);
    expect(second.code).toBeUndefined();
  });

  it('reports 63016 asynchronously: create succeeds, fetch shows failed', async () => {
    const client = twilioClient();
    fake.plan('twilio.messages.create', { kind: 'twilio-async-failure', errorCode: 63016 });
    const created = await client.messages.create({
      to: 'whatsapp:+2348031234567',
      from: 'whatsapp:+14155238886',
      body: 'Free-form text outside the session',
    });
    expect(created).toMatchObject({ status: 'queued', errorCode: null });
    const fetched = await client.messages(created.sid).fetch();
    expect(fetched.status).toBe('failed');
    expect(fetched.errorCode).toBe(63016);
    expect(fetched.errorMessage).toContain('outside the allowed window');
  });

  it('turns a dropped connection into a network error without status', async () => {
    const client = twilioClient();
    fake.failNext(1, { kind: 'drop' });
    const error = await rejection(client.messages.create({ to: '+2348031234567', from: '+1500', body: 'x' }));
    expect(error).not.toBeInstanceOf(twilio.RestException);
    expect(error.status).toBeUndefined();
    expect(error.code).toBe('ECONNRESET');
  });

  it('answers 404 / 20404 for an unknown message', async () => {
    const client = twilioClient();
    const error = await rejection(client.messages(`SM${'0'.repeat(32)}`).fetch());
    expect(error).toMatchObject({ status: 404, code: 20404 });
  });
});

describe('fake provider with the real @sendgrid/mail SDK', () => {
  it('accepts a send with 202 and an X-Message-Id, recording the JSON body and Bearer auth', async () => {
    const mail = sendgrid();
    const [response] = await mail.send(MAIL);
    expect(response.statusCode).toBe(202);
    const messageId = response.headers['x-message-id'];
    expect(messageId).toMatch(/^[0-9a-f]{22}$/);

    expect(fake.requests).toHaveLength(1);
    const [req] = fake.requests;
    expect(req).toMatchObject({
      method: 'POST',
      path: '/v3/mail/send',
      provider: 'sendgrid',
      operation: 'sendgrid.mail.send',
      responseStatus: 202,
    });
    expect(req.headers.authorization).toBe(`Bearer ${FAKE_SENDGRID_KEY}`);
    expect(req.json).toEqual({
      from: { email: 'care@hospital.example' },
      subject: 'Appointment reminder',
      personalizations: [{ to: [{ email: 'ada@example.com' }] }],
      content: [{ type: 'text/plain', value: 'See you tomorrow at 10:00.' }],
    });
    expect(fake.sendgridMails()).toEqual([{ messageId, body: req.json, receivedAt: req.receivedAt }]);
  });

  it('sends per-recipient dynamic template data in snake_case', async () => {
    const mail = sendgrid();
    await mail.send({
      from: 'care@hospital.example',
      templateId: 'd-0123456789abcdef',
      personalizations: [
        { to: 'a@example.com', dynamicTemplateData: { first_name: 'Ada' } },
        { to: 'b@example.com', dynamicTemplateData: { first_name: 'Bola' } },
      ],
    });
    expect(fake.requests[0].json.personalizations).toEqual([
      { to: [{ email: 'a@example.com' }], dynamic_template_data: { first_name: 'Ada' } },
      { to: [{ email: 'b@example.com' }], dynamic_template_data: { first_name: 'Bola' } },
    ]);
    expect(fake.requests[0].json.template_id).toBe('d-0123456789abcdef');
  });

  it('rejects a wrong API key with 401', async () => {
    const mail = sendgrid('SG.wrong');
    const error = await rejection(mail.send(MAIL));
    expect(error.constructor.name).toBe('ResponseError');
    expect(error.code).toBe(401);
  });

  it('surfaces a planned 400 as ResponseError with body errors', async () => {
    const mail = sendgrid();
    fake.plan('sendgrid', {
      kind: 'sendgrid-error',
      status: 400,
      errors: [{ message: 'Invalid from address', field: 'from.email' }],
    });
    const error = await rejection(mail.send(MAIL));
    expect(error.constructor.name).toBe('ResponseError');
    expect(error.code).toBe(400);
    expect(error.response.body.errors).toEqual([
      { message: 'Invalid from address', field: 'from.email', help: null },
    ]);
    expect(fake.sendgridMails()).toHaveLength(0);
  });

  it('validates like SendGrid: duplicate addresses in one request give 400', async () => {
    const mail = sendgrid();
    const error = await rejection(
      mail.send({
        ...MAIL,
        to: undefined,
        personalizations: [{ to: 'a@example.com' }, { to: 'a@example.com' }],
      }),
    );
    expect(error.code).toBe(400);
    expect(error.response.body.errors[0].field).toBe('personalizations.1.to');
  });

  it('surfaces a 413 with an HTML body string', async () => {
    const mail = sendgrid();
    fake.plan('sendgrid.mail.send', { kind: 'html', status: 413 });
    const error = await rejection(mail.send(MAIL));
    expect(error.code).toBe(413);
    expect(typeof error.response.body).toBe('string');
    expect(error.response.body).toContain('413 Request Entity Too Large');
  });

  it('surfaces a 429 with rate-limit headers', async () => {
    const mail = sendgrid();
    fake.plan('sendgrid', { kind: 'http', status: 429, retryAfter: 2 });
    const error = await rejection(mail.send(MAIL));
    expect(error.code).toBe(429);
    expect(error.response.headers['retry-after']).toBe('2');
    expect(error.response.headers['x-ratelimit-remaining']).toBe('0');
    expect(error.response.body.errors[0].message).toBe('too many requests');
  });
});
