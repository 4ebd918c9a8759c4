import type { InferEntity } from '@mikro-orm/core';
import { mikroCore } from '../db/mikro-orm.js';
import { Message } from '../messaging/message.entity.js';

const { defineEntity } = mikroCore;

/**
 * A reminder of an appointment, and an entry of the reminder work queue: `pending` until sent,
 * failed, expired or cancelled; a runner leases it (`claimedBy`, `claimedUntil`) while its
 * message is on the wire. The queue itself is worked set-based (reminder-claim.sql.ts). The
 * appointment is a plain id here (the Appointment entity belongs to the appointments domain).
 * Checks, the one-live-reminder-per-kind unique index and the queue index live in migrations/
 * (Migration20261125110000).
 */
export const Reminder = defineEntity({
  name: 'Reminder',
  tableName: 'reminder',
  properties: (p) => ({
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    appointmentId: p.uuid().fieldName('appointment_id'),
    kind: p.text().$type<'7d' | '1d' | '2h'>(),
    dueAt: p.datetime(),
    status: p.text().$type<'pending' | 'sent' | 'failed' | 'expired' | 'cancelled'>().default('pending'),
    nextAttemptAt: p.datetime(),
    attempts: p.integer().default(0),
    claimedBy: p.text().nullable(),
    claimedUntil: p.datetime().nullable(),
    lastError: p.text().nullable(),
    message: p.manyToOne(Message).nullable(),
    sentAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  }),
});
export type Reminder = InferEntity<typeof Reminder>;
