import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Database } from '../../src/core/db/database.js';
import type { MessagingConfig } from '../../src/core/messaging/messaging.config.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { type FakeProvider, startFakeProvider } from './fake-provider.js';
import { clearScheduling, fakeMessagingConfig } from './reminders-seed.js';

export interface MessagingTestbed {
  /** The test file's database, open while its tests run. */
  readonly db: Database;
  /** The fake Twilio and SendGrid the real SDKs talk to. */
  readonly fake: FakeProvider;
  /** Messaging configured for the fake provider. */
  readonly config: MessagingConfig;
}

/**
 * A database and a fake provider for the tests of one file (call it at the file's top level):
 * both started before its tests and stopped after; each test starts with a fresh fake (no
 * requests, no plans) and no scheduling data (hospitals, patients, doctors, appointments,
 * reminders, messages, templates).
 */
export function messagingTestbed(): MessagingTestbed {
  let tdb: TestDatabase | undefined;
  const bed = {} as { db: Database; fake: FakeProvider; config: MessagingConfig };
  beforeAll(async () => {
    const [database, fake] = await Promise.all([createTestDatabase(), startFakeProvider()]);
    tdb = database;
    bed.fake = fake;
    bed.db = await database.open();
    bed.config = fakeMessagingConfig(fake);
  });
  afterAll(async () => {
    await bed.db?.close();
    await tdb?.drop();
    await bed.fake?.close();
  });
  beforeEach(async () => {
    bed.fake.reset();
    await clearScheduling(bed.db.em());
  });
  return bed;
}
