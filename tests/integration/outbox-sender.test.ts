/**
 * The outbox sender (send-queued.ts) against the fake provider through the real SDKs: queued
 * messages are sent once each, quiet hours hold SMS back but not e-mail, opted-out patients get
 * nothing, a channel without credentials stops the run before anything is written, and a sender
 * killed mid-send leaves `sending` rows that the next run settles by a lookup, never by a second send.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { query } from '../../src/core/db/sql.js';
import type { PendingMessage } from '../../src/core/messaging/message.types.js';
import { loadMessagingConfig } from '../../src/core/messaging/messaging.config.js';
import { realMessengers } from '../../src/core/messaging/messaging.runtime.js';
import { queueMessage } from '../../src/core/messaging/outbox.js';
import {
  OUTBOX_NOTES,
  type OutboxMessengerFactory,
  type OutboxRunOptions,
  planQueuedMessages,
  sendQueuedMessages,
} from '../../src/core/messaging/send-queued.js';
import { fixedClock, LAGOS } from '../../src/core/time.js';
import { makePatient } from '../support/factories.js';
import { messagingTestbed } from '../support/messaging-testbed.js';
import { services } from '../support/services.js';

const bed = messagingTestbed();
const noon = fixedClock(DateTime.fromISO('2026-12-02T12:00', { zone: LAGOS }));
const night = fixedClock(DateTime.fromISO('2026-12-02T22:30', { zone: LAGOS }));

const sql = <T>(text: string, params: unknown[] = []) => query<T>(bed.db.em(), text, params);
const ctx = (clock = noon) => services(bed.db, { clock });

const alertMail = (n = 1): PendingMessage => ({
  channel: 'email',
  to: `manager${n}@hospital.example`,
  subject: `Low rating ${n}`,
  body: `A patient rated a visit 1/5 (${n}).`,
  purpose: 'alert',
  reference: `alert:${n}`,
});
const sms = (to: string, patientId?: string): PendingMessage => ({
  channel: 'sms',
  to,
  body: `You are now Silver tier (${to}).`,
  purpose: 'loyalty',
  patientId,
});

async function queue(...messages: PendingMessage[]): Promise<void> {
  await bed.db.em().transactional(async (t) => {
    // One millisecond apart: the queue's order is the order given.
    const at = Date.now();
    messages.forEach((m, i) => {
      queueMessage(t as EntityManager, m, new Date(at + i));
    });
  });
}
const run = (
  options: OutboxRunOptions = {},
  messengerFor: OutboxMessengerFactory = realMessengers(bed.config),
  clock = noon,
) => sendQueuedMessages(ctx(clock), bed.config, messengerFor, options);

const statuses = () =>
  sql<{ channel: string; status: string; error_code: string | null; attempts: number }>(
    `select channel, status, error_code, attempts from messages order by queued_at, recipient`,
  );
const created = () => bed.fake.requestsFor('twilio.messages.create');
const mails = () => bed.fake.requestsFor('sendgrid.mail.send');

/** A messenger whose sends reach the provider (or not) and then the sender "dies". */
function dying(reach: boolean): OutboxMessengerFactory {
  const real = realMessengers(bed.config);
  return async (channels) => {
    const messenger = await real(channels);
    return {
      ...messenger,
      async send(message, options) {
        if (reach) await messenger.send(message, options);
        throw new Error('sender killed');
      },
    };
  };
}

describe('the outbox sender', () => {
  it('sends each queued message once, oldest first; a second run sends nothing', async () => {
    const patient = await makePatient(ctx());
    await queue(alertMail(1), sms('+2348030000001', patient.id), alertMail(2));
    const first = await run();
    expect(first).toEqual({ sent: 3, failed: 0, deferred: 0, skipped: 0, retrying: 0, recovered: 0 });
    expect(mails()).toHaveLength(2);
    expect(created()).toHaveLength(1);
    expect(mails()[0].json.subject).toBe('Low rating 1');
    const rows = await statuses();
    expect(rows.map((r) => r.status).sort()).toEqual(['queued', 'queued', 'queued']);
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
    const second = await run();
    expect(second.sent).toBe(0);
    expect(mails()).toHaveLength(2);
  });

  it('in quiet hours e-mail goes and SMS waits; the SMS goes after them', async () => {
    await queue(alertMail(), sms('+2348030000002'));
    const night1 = await run({}, realMessengers(bed.config), night);
    expect(night1).toMatchObject({ sent: 1, deferred: 1 });
    expect(created()).toHaveLength(0);
    expect(await run()).toMatchObject({ sent: 1, deferred: 0 });
    expect(created()).toHaveLength(1);
  });

  it('a patient who opted out of the channel gets nothing; the row says why', async () => {
    const patient = await makePatient(ctx());
    await sql('update patient set opted_out_sms = true where id = $1', [patient.id]);
    await queue(sms('+2348030000003', patient.id));
    expect(await run()).toMatchObject({ sent: 0, skipped: 1 });
    expect(created()).toHaveLength(0);
    expect(await statuses()).toEqual([
      { channel: 'sms', status: 'failed', error_code: 'opted_out', attempts: 0 },
    ]);
  });

  it('a channel without credentials is exit 7 naming the variables; nothing is claimed', async () => {
    await queue(alertMail());
    const noMail = loadMessagingConfig({ CRM_TWILIO_BASE_URL: bed.fake.twilioBaseUrl });
    await expect(sendQueuedMessages(ctx(), noMail, realMessengers(noMail))).rejects.toMatchObject({
      exitCode: 7,
      message: expect.stringContaining('SENDGRID_API_KEY'),
    });
    expect((await statuses())[0].status).toBe('pending');
  });

  it('--dry-run shows what would go, masked, and writes nothing', async () => {
    await queue(alertMail(), sms('+2348030000004'));
    const planned = await planQueuedMessages(ctx(night), bed.config);
    expect(planned.map((p) => [p.channel, p.action])).toEqual([
      ['email', 'send'],
      ['sms', 'defer'],
    ]);
    expect(planned[1].to).not.toContain('0000004');
    expect((await statuses()).map((r) => r.status)).toEqual(['pending', 'pending']);
  });

  it('a transient failure goes back to the queue and is sent by the next run', async () => {
    await queue(alertMail());
    bed.fake.failNext(3, { kind: 'sendgrid-error', status: 503 }, 'sendgrid.mail.send');
    expect(await run()).toMatchObject({ sent: 0, retrying: 1, failed: 0 });
    expect((await statuses())[0]).toMatchObject({ status: 'pending', attempts: 3 });
    expect(await run()).toMatchObject({ sent: 1, retrying: 0 });
    expect((await statuses())[0]).toMatchObject({ status: 'queued', attempts: 4, error_code: null });
  });

  it('an SMS that reached Twilio before its sender died is found by lookup, not sent again', async () => {
    await queue(sms('+2348030000005'));
    await expect(run({}, dying(true))).resolves.toMatchObject({ retrying: 1 });
    expect((await statuses())[0].status).toBe('sending');
    // Within the lease nothing happens to it.
    expect(await run()).toMatchObject({ sent: 0, recovered: 0 });
    expect((await statuses())[0].status).toBe('sending');
    expect(await run({ leaseSeconds: 0 })).toMatchObject({ sent: 1, recovered: 1 });
    expect(created()).toHaveLength(1);
    const [row] = await sql<{ status: string; provider_message_id: string; error_message: string }>(
      'select status, provider_message_id, error_message from messages',
    );
    expect(row.provider_message_id).toBe(bed.fake.twilioMessages()[0].sid);
    expect(row.error_message).toBe(OUTBOX_NOTES.foundAtTwilio);
  });

  it('an SMS whose sender died before reaching Twilio is queued again and sent once', async () => {
    await queue(sms('+2348030000006'));
    await run({}, dying(false));
    expect(created()).toHaveLength(0);
    expect(await run({ leaseSeconds: 0 })).toMatchObject({ sent: 1, recovered: 1 });
    expect(created()).toHaveLength(1);
    expect((await statuses())[0].status).toBe('queued');
  });

  it('an e-mail whose sender died mid-call is assumed sent (no lookup at SendGrid), never sent twice', async () => {
    await queue(alertMail());
    await run({}, dying(true));
    expect(await run({ leaseSeconds: 0 })).toMatchObject({ recovered: 1 });
    expect(await run({ leaseSeconds: 0 })).toMatchObject({ sent: 0, recovered: 0 });
    expect(mails()).toHaveLength(1);
    expect(await statuses()).toEqual([
      { channel: 'email', status: 'unknown', error_code: 'interrupted', attempts: 1 },
    ]);
  });
});
