/**
 * What `reminder send` does with the attempts of a runner that died mid-send (the sweep of
 * recover-interrupted-sends.ts): the dying runner is a messenger that stops the run at its Nth
 * send after the sends before it reached the fake provider, leaving that group `sending` and the
 * rest of its batch `pending`, with the lease already over (leaseSeconds 0).
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { query } from '../../src/core/db/sql.js';
import { realMessengers } from '../../src/core/messaging/messaging.runtime.js';
import { RECOVERY_NOTES } from '../../src/core/reminders/recover-interrupted-sends.js';
import type { MessengerFactory, ReminderRunOptions } from '../../src/core/reminders/reminder-run.js';
import { sendDueReminders } from '../../src/core/reminders/send-due-reminders.js';
import { fixedClock, LAGOS } from '../../src/core/time.js';
import { messagingTestbed } from '../support/messaging-testbed.js';
import { seedDueReminders } from '../support/reminders-seed.js';
import { services } from '../support/services.js';

const bed = messagingTestbed();
const clock = fixedClock(DateTime.fromISO('2026-11-24T10:00', { zone: LAGOS }));

const seed = (count: number) =>
  seedDueReminders(bed.db.em(), {
    count,
    dueAt: '2026-11-24T09:00:00+01:00',
    startsAt: '2026-12-01T00:00:00+01:00',
  });
const sql = <T>(text: string, params: unknown[] = []) => query<T>(bed.db.em(), text, params);
const run = (messengerFor: MessengerFactory = realMessengers(bed.config), options: ReminderRunOptions = {}) =>
  sendDueReminders(services(bed.db, { clock }), bed.config, messengerFor, options);

/**
 * A runner that dies at its `crashAt`-th send: the sends before it finish at the provider, that
 * one was marked `sending` but never reaches it, and the run stops before the group is recorded.
 */
function dyingAt(crashAt: number): MessengerFactory {
  const real = realMessengers(bed.config);
  let calls = 0;
  const inFlight: Promise<unknown>[] = [];
  return async (channels) => {
    const messenger = await real(channels);
    return {
      ...messenger,
      async send(message) {
        if (++calls === crashAt) {
          await Promise.allSettled(inFlight);
          throw new Error('runner killed');
        }
        const sending = messenger.send(message);
        inFlight.push(sending);
        return sending;
      },
    };
  };
}
const die = (crashAt: number, options: ReminderRunOptions) =>
  expect(run(dyingAt(crashAt), { leaseSeconds: 0, ...options })).rejects.toThrow('runner killed');

const messageStatuses = () =>
  sql<{ status: string; n: number }>(
    `select status, count(*)::int as n from messages group by status order by status`,
  );
const sentTo = () => bed.fake.requestsFor('twilio.messages.create').map((r) => r.form!.To as string);

describe('recovering the sends of a runner that died', () => {
  it('SMS: what reached Twilio is found and recorded, not sent again; the rest is sent once', async () => {
    await seed(12);
    await die(4, { batchSize: 10, concurrency: 4 });
    expect(sentTo()).toHaveLength(3);
    expect(await messageStatuses()).toEqual([
      { status: 'pending', n: 6 },
      { status: 'sending', n: 4 },
    ]);

    const result = await run();
    expect(result).toEqual({ sent: 12, failed: 0, deferred: 0, expired: 0, retrying: 0 });
    expect(sentTo()).toHaveLength(12);
    expect(new Set(sentTo()).size).toBe(12);
    expect(await messageStatuses()).toEqual([
      { status: 'failed', n: 7 },
      { status: 'queued', n: 12 },
    ]);
    // The three found carry the SIDs Twilio gave them and say how they were recorded.
    const found = await sql<{ provider_message_id: string; error_message: string }>(
      `select provider_message_id, error_message from messages where error_message = $1`,
      [RECOVERY_NOTES.foundAtTwilio],
    );
    const sids = new Set(bed.fake.twilioMessages().map((m) => m.sid));
    expect(found).toHaveLength(3);
    for (const f of found) expect(sids.has(f.provider_message_id)).toBe(true);
    const notSent = await sql<{ error_message: string; n: number }>(
      `select error_message, count(*)::int as n from messages where error_code = 'not_sent'
       group by error_message order by n`,
    );
    expect(notSent).toEqual([
      { error_message: RECOVERY_NOTES.notAtTwilio, n: 1 },
      { error_message: RECOVERY_NOTES.notCalled, n: 6 },
    ]);
    // An attempt that never called the provider does not count; one that started does.
    const attempts = await sql<{ attempts: number; n: number }>(
      `select attempts, count(*)::int as n from reminder where status = 'sent' group by attempts order by attempts`,
    );
    expect(attempts).toEqual([
      { attempts: 1, n: 11 },
      { attempts: 2, n: 1 },
    ]);
  });

  it('Twilio cannot be asked: the messages are unknown, nothing is re-sent, and the next run settles them', async () => {
    await seed(2);
    await die(2, { concurrency: 2 });
    const down = bed.fake.plan(
      'twilio.messages.list',
      { kind: 'http', status: 503 },
      Number.POSITIVE_INFINITY,
    );
    expect(await run()).toEqual({ sent: 0, failed: 0, deferred: 0, expired: 0, retrying: 2 });
    expect(sentTo()).toHaveLength(1);
    const unknown = await sql<{ error_code: string; error_message: string }>(
      `select error_code, error_message from messages where status = 'unknown'`,
    );
    expect(unknown).toHaveLength(2);
    expect(unknown[0]).toMatchObject({ error_code: 'lookup_failed' });
    expect(unknown[0].error_message).toMatch(/^outcome unknown: Twilio lookup failed \(20503: /);

    down.cancel();
    expect(await run()).toEqual({ sent: 2, failed: 0, deferred: 0, expired: 0, retrying: 0 });
    expect(sentTo()).toHaveLength(2);
    expect(new Set(sentTo()).size).toBe(2);
    expect(await messageStatuses()).toEqual([
      { status: 'failed', n: 1 },
      { status: 'queued', n: 2 },
    ]);
  });

  it('the same text twice to one number (two reminders of one appointment): a SID is given to one row only', async () => {
    await seed(1);
    await sql(
      `insert into reminder (appointment_id, kind, due_at, next_attempt_at)
       select appointment_id, '1d', due_at, next_attempt_at from reminder`,
    );
    await die(2, { concurrency: 2 });
    expect(sentTo()).toHaveLength(1);
    expect(await run()).toMatchObject({ sent: 2 });
    // One was found, the other never reached Twilio and went once more: two messages in all.
    expect(sentTo()).toHaveLength(2);
    const sids = await sql<{ provider_message_id: string }>(
      `select provider_message_id from messages where status = 'queued'`,
    );
    expect(new Set(sids.map((s) => s.provider_message_id)).size).toBe(2);
  });

  it('e-mail: SendGrid cannot be asked, so a send in doubt is recorded unknown and assumed sent', async () => {
    await seed(2);
    await sql(`update patient set preferred_channel = 'email'`);
    await die(2, { concurrency: 2 });
    expect(bed.fake.sendgridMails()).toHaveLength(1);
    expect(await run()).toEqual({ sent: 2, failed: 0, deferred: 0, expired: 0, retrying: 0 });
    expect(bed.fake.sendgridMails()).toHaveLength(1);
    const rows = await sql<{ status: string; error_message: string; sent: boolean }>(
      `select m.status, m.error_message, m.sent_at is not null as sent from messages m`,
    );
    expect(rows).toEqual([
      { status: 'unknown', error_message: RECOVERY_NOTES.emailAssumed, sent: true },
      { status: 'unknown', error_message: RECOVERY_NOTES.emailAssumed, sent: true },
    ]);
    const [r] = await sql<{ n: number }>(`select count(*)::int as n from reminder where status = 'sent'`);
    expect(r.n).toBe(2);
  });

  it('a runner that outlives its lease sends none of the groups it had not started once another run settled them', async () => {
    await seed(3);
    const real = realMessengers(bed.config);
    let other: Promise<unknown> | undefined;
    // Runner A stalls in its first call; meanwhile its lease is over and runner B does the work.
    const stalling: MessengerFactory = async (channels) => {
      const messenger = await real(channels);
      return {
        ...messenger,
        async send(message) {
          other ??= run();
          await other;
          return messenger.send(message);
        },
      };
    };
    await run(stalling, { leaseSeconds: 0, concurrency: 1 });
    expect(await other).toMatchObject({ sent: 3 });
    // B sent all three; A's call that had started went too (the window a lease must cover), but
    // A's two groups that had not started were not sent again.
    expect(sentTo()).toHaveLength(4);
    expect(new Set(sentTo()).size).toBe(3);
  });
});
