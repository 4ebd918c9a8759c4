/**
 * A send whose answer is lost inside one call (the connection drops after Twilio took the
 * message): the messenger asks Twilio before trying again, so the reminder is sent once. When
 * Twilio cannot be asked, or for an e-mail, the send stays in doubt for the recovery sweep of a
 * later run instead of being sent again.
 */
import { DateTime } from 'luxon';
import { beforeEach, describe, expect, it } from 'vitest';
import { query } from '../../src/core/db/sql.js';
import { realMessengers } from '../../src/core/messaging/messaging.runtime.js';
import type { ReminderRunOptions } from '../../src/core/reminders/reminder-run.js';
import { sendDueReminders } from '../../src/core/reminders/send-due-reminders.js';
import { fixedClock, LAGOS } from '../../src/core/time.js';
import { messagingTestbed } from '../support/messaging-testbed.js';
import { seedDueReminders } from '../support/reminders-seed.js';
import { services } from '../support/services.js';

const bed = messagingTestbed();
const clock = fixedClock(DateTime.fromISO('2026-11-24T10:00', { zone: LAGOS }));

beforeEach(async () => {
  await seedDueReminders(bed.db.em(), {
    count: 1,
    dueAt: '2026-11-24T09:00:00+01:00',
    startsAt: '2026-12-01T00:00:00+01:00',
  });
});

const sql = <T>(text: string, params: unknown[] = []) => query<T>(bed.db.em(), text, params);
// Lease 0: a send left in doubt is the sweep's at once (the next run), without waiting.
const run = (options: ReminderRunOptions = {}) =>
  sendDueReminders(services(bed.db, { clock }), bed.config, realMessengers(bed.config), {
    leaseSeconds: 0,
    ...options,
  });
const message = async () =>
  (
    await sql<{ status: string; provider_message_id: string | null }>(
      'select status, provider_message_id from messages',
    )
  )[0];

describe('a send in doubt inside one call', () => {
  it('SMS accepted, then the connection drops: found at Twilio, recorded, not sent again', async () => {
    bed.fake.failNext(1, { kind: 'accept-then-drop' }, 'twilio.messages.create');
    expect(await run()).toMatchObject({ sent: 1, failed: 0, retrying: 0 });
    expect(bed.fake.twilioMessages()).toHaveLength(1);
    expect(bed.fake.requestsFor('twilio.messages.list')).toHaveLength(1);
    expect(await message()).toEqual({
      status: 'queued',
      provider_message_id: bed.fake.twilioMessages()[0].sid,
    });
  });

  it('SMS dropped before Twilio took it: not found, so it is sent again, once', async () => {
    bed.fake.failNext(1, { kind: 'drop' }, 'twilio.messages.create');
    expect(await run()).toMatchObject({ sent: 1, retrying: 0 });
    expect(bed.fake.requestsFor('twilio.messages.create')).toHaveLength(2);
    expect(bed.fake.twilioMessages()).toHaveLength(1);
  });

  it('Twilio cannot be asked: the send stays in doubt, and the next run settles it without sending again', async () => {
    bed.fake.failNext(1, { kind: 'accept-then-drop' }, 'twilio.messages.create');
    bed.fake.failNext(1, { kind: 'twilio-error', status: 500, code: 20500 }, 'twilio.messages.list');
    expect(await run()).toMatchObject({ sent: 0, failed: 0, retrying: 1 });
    expect((await message()).status).toBe('sending');
    expect(await run()).toMatchObject({ sent: 1, retrying: 0 });
    expect(bed.fake.twilioMessages()).toHaveLength(1);
    expect(
      await sql('select 1 from messages where provider_message_id = $1', [bed.fake.twilioMessages()[0].sid]),
    ).toHaveLength(1);
  });

  it('e-mail accepted, then the connection drops: not sent again; the sweep records it assumed sent', async () => {
    await sql(`update patient set preferred_channel = 'email'`);
    bed.fake.failNext(1, { kind: 'accept-then-drop' }, 'sendgrid.mail.send');
    expect(await run()).toMatchObject({ sent: 0, retrying: 1 });
    expect(await run()).toMatchObject({ sent: 1, retrying: 0 });
    expect(bed.fake.sendgridMails()).toHaveLength(1);
    expect((await message()).status).toBe('unknown');
  });
});
