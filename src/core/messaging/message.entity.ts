import type { InferEntity } from '@mikro-orm/core';
import { mikroCore } from '../db/mikro-orm.js';
import { type Channel, Patient } from '../patients/patient.entity.js';
import type { MessagePurpose, MessageStatus } from './message.types.js';

const { defineEntity } = mikroCore;

/**
 * One outgoing message (table `messages`). The row is written BEFORE the provider is called
 * (status `pending`) and marked `sending` just before the call, so that a crash leaves a visible
 * trace of what may have gone out; the provider's answer then moves it to queued/sent or failed,
 * and `message sync` on to delivered/undelivered. `unknown`: the call started and its outcome
 * could not be established (docs/reminders.md, "After a crash"). Checks and indexes live in
 * migrations/ (Migration20261125110000, Migration20261202130000, Migration20261203090000).
 */
export const Message = defineEntity({
  name: 'Message',
  tableName: 'messages',
  properties: (p) => ({
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    channel: p.text().$type<Channel>(),
    recipient: p.text(),
    subject: p.text().nullable(),
    body: p.text(),
    contentSid: p.text().nullable(),
    purpose: p.text().$type<MessagePurpose>(),
    patient: p.manyToOne(Patient).nullable(),
    reference: p.text().nullable(),
    provider: p.text().$type<'twilio' | 'sendgrid'>(),
    providerMessageId: p.text().nullable(),
    status: p.text().$type<MessageStatus>().default('pending'),
    errorCode: p.text().nullable(),
    errorMessage: p.text().nullable(),
    attempts: p.integer().default(0),
    segments: p.integer().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    sentAt: p.datetime().nullable(),
    /** When the provider call started (the database's clock); set with status `sending`. */
    sendStartedAt: p.datetime().nullable(),
    updatedAt: p.datetime().defaultRaw('now()'),
    statusCheckedAt: p.datetime().nullable(),
    /** Set on a message queued for the outbox sender (outbox.ts); null for one sent at once. */
    queuedAt: p.datetime().nullable(),
    /** A queued WhatsApp template message's numbered variables. */
    contentVariables: p.json<Record<string, string>>().nullable(),
  }),
});
export type Message = InferEntity<typeof Message>;
