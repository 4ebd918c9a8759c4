/**
 * Seeds for appointment and reminder tests: a hospital, a doctor with availability, patients, and
 * (for the queue tests) thousands of due reminders inserted set-wise.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { query, queryOne } from '../../src/core/db/sql.js';
import type { MessagingConfig } from '../../src/core/messaging/messaging.config.js';
import { loadMessagingConfig } from '../../src/core/messaging/messaging.config.js';
import { truncateForTest } from './db.js';
import { FAKE_SENDGRID_KEY, FAKE_TWILIO, type FakeProvider } from './fake-provider.js';

export const TWILIO_SMS_FROM = '+15005550006';
export const TWILIO_WHATSAPP_FROM = 'whatsapp:+14155238886';
export const SENDGRID_FROM = 'care@hospital.example';

/** The environment a `crm` process needs to send through the fake provider, without pacing. */
export function fakeProviderEnv(
  fake: FakeProvider,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    TWILIO_ACCOUNT_SID: FAKE_TWILIO.accountSid,
    TWILIO_AUTH_TOKEN: FAKE_TWILIO.authToken,
    TWILIO_SMS_FROM,
    TWILIO_WHATSAPP_FROM,
    SENDGRID_API_KEY: FAKE_SENDGRID_KEY,
    SENDGRID_FROM,
    CRM_TWILIO_BASE_URL: fake.twilioBaseUrl,
    CRM_SENDGRID_BASE_URL: fake.sendgridBaseUrl,
    CRM_RATE_SMS: '0',
    CRM_RATE_WHATSAPP: '0',
    CRM_RATE_EMAIL: '0',
    CRM_SEND_BACKOFF_MS: '5',
    CRM_SEND_BACKOFF_MAX_MS: '20',
    ...extra,
  };
}

export function fakeMessagingConfig(fake: FakeProvider, extra: Record<string, string> = {}): MessagingConfig {
  return loadMessagingConfig(fakeProviderEnv(fake, extra));
}

/** Deletes everything the scheduling tests create, keeping the schema. */
export async function clearScheduling(em: EntityManager): Promise<void> {
  await truncateForTest(
    em,
    // campaign_recipients by name: they check their messages per statement, not by a foreign key
    // that CASCADE would follow.
    'truncate reminder, campaign_recipients, messages, appointment, doctor_availability, doctor_time_off, doctor, message_template, patient, hospital cascade',
  );
  await query(em, 'alter sequence appointment_code_seq restart');
  await query(em, 'alter sequence doctor_code_seq restart');
}

/**
 * `count` patients, each with one live appointment (distinct half hours) and one reminder due at
 * `dueAt`; phones are +2348030000000 + i, so every message has its own recipient.
 */
export async function seedDueReminders(
  em: EntityManager,
  { count, dueAt, startsAt }: { count: number; dueAt: string; startsAt: string },
): Promise<void> {
  await em.transactional(async (t) => {
    const tem = t as EntityManager;
    const h = await queryOne<{ id: string }>(
      tem,
      `insert into hospital (code, name, state, city) values ('BENCH-' || upper(substr(md5(random()::text), 1, 6)), 'Bench Hospital', 'Lagos', 'Lagos') returning id`,
    );
    const d = await queryOne<{ id: string }>(
      tem,
      `insert into doctor (code, hospital_id, name, department) values ('DR-B' || upper(substr(md5(random()::text), 1, 6)), $1, 'Dr. Bench', 'general') returning id`,
      [h!.id],
    );
    await query(
      tem,
      `with p as (
         insert into patient (hospital_id, first_name, last_name, phone, email, preferred_channel)
         select $1, 'Ada' || i, 'Obi', '+234803' || lpad(i::text, 7, '0'), 'p' || i || '@example.ng', 'sms'
         from generate_series(1, $3::int) i returning id, phone),
       a as (
         insert into appointment (code, patient_id, doctor_id, hospital_id, type, starts_at, ends_at)
         select 'AP-B' || substr(p.id::text, 1, 8) || substr(p.id::text, 10, 4), p.id, $2, $1, 'consultation',
           $4::timestamptz + (substr(p.phone, 8)::int * interval '30 minutes'),
           $4::timestamptz + (substr(p.phone, 8)::int * interval '30 minutes') + interval '30 minutes'
         from p returning id)
       insert into reminder (appointment_id, kind, due_at, next_attempt_at)
       select a.id, '2h', $5::timestamptz, $5::timestamptz from a`,
      [h!.id, d!.id, count, startsAt, dueAt],
    );
  });
}
