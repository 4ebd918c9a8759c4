import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/database.js';
import { query } from '../../src/core/db/sql.js';
import { PartialFailureError, UnavailableError, ValidationError } from '../../src/core/errors.js';
import { loadMessagingConfig } from '../../src/core/messaging/messaging.config.js';
import { realMessengers } from '../../src/core/messaging/messaging.runtime.js';
import { sendOwnerMessage } from '../../src/core/messaging/owner-message.service.js';
import { syncMessages } from '../../src/core/messaging/sync-messages.js';
import { addOwner } from '../../src/core/owners/add-owner.js';
import { fixedClock } from '../../src/core/time.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { type FakeProvider, startFakeProvider } from '../support/fake-provider.js';
import { fakeMessagingConfig, SENDGRID_FROM } from '../support/reminders-seed.js';
import { services } from '../support/services.js';

let tdb: TestDatabase;
let db: Database;
let fake: FakeProvider;
const actor = { operator: 'ada', command: 'crm owner message' };
const clock = fixedClock(DateTime.fromISO('2026-11-20T12:00:00+01:00'));
const svc = () => services(db, { clock, actor });

beforeAll(async () => {
  [tdb, fake] = await Promise.all([createTestDatabase(), startFakeProvider()]);
  db = await tdb.open();
  await addOwner(services(db, { actor }), {
    name: 'Adebayo Holdings Ltd',
    email: 'bayo@example.ng',
    phone: '08031234567',
    taxType: 'company',
    bankCode: '058',
    accountNumber: '0123456785',
  });
});
afterAll(async () => {
  await db?.close();
  await tdb?.drop();
  await fake?.close();
});

const comms = () =>
  query<{ channel: string; delivery_status: string; subject: string | null; operator: string }>(
    db.em(),
    'select channel, delivery_status, subject, operator from owner_communications order by channel',
  );

describe('crm owner message (messaging layer → owner_communications)', () => {
  it('e-mails the owner through SendGrid and logs the contact with its delivery status', async () => {
    const config = fakeMessagingConfig(fake);
    const r = await sendOwnerMessage(
      svc(),
      {
        owner: 'Adebayo Holdings Ltd',
        channel: 'email',
        subject: 'October payout',
        body: 'Your payout is on its way.',
      },
      realMessengers(config),
    );
    expect(r).toMatchObject({ channel: 'email', to: 'b***@example.ng', status: 'queued', dryRun: false });
    expect(fake.sendgridMails()[0].body).toMatchObject({
      from: { email: SENDGRID_FROM },
      subject: 'October payout',
      personalizations: [{ to: [{ email: 'bayo@example.ng' }] }],
    });
    expect(await comms()).toEqual([
      { channel: 'email', delivery_status: 'queued', subject: 'October payout', operator: 'ada' },
    ]);
  });

  it('an SMS that Twilio refuses is logged as failed and exits 6; sync updates delivered ones', async () => {
    const config = fakeMessagingConfig(fake);
    fake.failNext(1, { kind: 'twilio-error', code: 21211 });
    const error = await sendOwnerMessage(
      svc(),
      { owner: 'Adebayo Holdings Ltd', channel: 'sms', body: 'Call us' },
      realMessengers(config),
    ).catch((e) => e);
    expect(error).toBeInstanceOf(PartialFailureError);
    expect(error.message).toMatch(/\+234803\*\*\*4567 was not accepted: 21211/);
    await sendOwnerMessage(
      svc(),
      { owner: 'Adebayo Holdings Ltd', channel: 'whatsapp', body: 'Thanks!' },
      realMessengers(config),
    );
    await syncMessages(services(db, { clock }), await realMessengers(config)(['sms', 'whatsapp']));
    expect((await comms()).map((c) => [c.channel, c.delivery_status])).toEqual([
      ['email', 'queued'],
      ['sms', 'failed'],
      ['whatsapp', 'delivered'],
    ]);
  });

  it('validates before sending; no credentials is exit 7; a dry run needs none and logs nothing', async () => {
    await expect(
      sendOwnerMessage(svc(), { owner: 'Adebayo Holdings Ltd', channel: 'email', body: 'x' }),
    ).rejects.toThrow(ValidationError);
    const bare = loadMessagingConfig({});
    await expect(
      sendOwnerMessage(
        svc(),
        { owner: 'Adebayo Holdings Ltd', channel: 'sms', body: 'x' },
        realMessengers(bare),
      ),
    ).rejects.toThrow(UnavailableError);
    const dry = await sendOwnerMessage(svc(), {
      owner: 'Adebayo Holdings Ltd',
      channel: 'sms',
      body: '₦5,000 paid',
    });
    expect(dry).toMatchObject({ dryRun: true, segments: 1, to: '+234803***4567' });
    expect(await comms()).toHaveLength(3);
  });
});
