/**
 * The outbox: messages that an operation queues in its own transaction (a low-rating alert to a
 * hospital's service manager, a loyalty tier-change notice), so that the message exists exactly
 * when the state that caused it does: a rolled-back feedback leaves no alert e-mail, a committed
 * one always has its e-mail. The outbox sender (`crm message send`, also run at the end of
 * `crm reminder send`) sends them later. See migrations/Migration20261203090000_message_outbox.ts.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { Message } from './message.entity.js';
import { type PendingMessage, providerOf } from './message.types.js';
import { countSegments } from './segments.js';

/**
 * Queues one message in the caller's transaction (`em` must be the transaction's EntityManager);
 * flushed with the caller's other changes. Returns the new row. `now` is the service clock's time
 * (so rehearsals with CRM_NOW queue at the rehearsed time).
 */
export function queueMessage(em: EntityManager, message: PendingMessage, now: Date): Message {
  return em.create(Message, {
    channel: message.channel,
    recipient: message.to,
    subject: message.subject ?? null,
    body: message.body,
    contentSid: message.contentSid ?? null,
    contentVariables: message.contentVariables ?? null,
    purpose: message.purpose,
    patient: message.patientId ?? null,
    reference: message.reference ?? null,
    provider: providerOf(message.channel),
    segments: message.channel === 'email' ? null : countSegments(message.body).segments,
    status: 'pending',
    queuedAt: now,
    createdAt: now,
    updatedAt: now,
  } as never);
}
