import type { ServiceContext } from '../context.js';
import { Patient } from '../patients/patient.entity.js';
import { Message } from './message.entity.js';
import { isUnsubscribed, optOut, outcomeStatus } from './message.sql.js';
import { type MessageStatus, type PendingMessage, providerOf } from './message.types.js';
import type { Messenger, SendOutcome } from './messenger.js';
import { countSegments } from './segments.js';

export interface SentMessage {
  id: string;
  status: MessageStatus;
  providerMessageId: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  transient: boolean;
  tries: number;
}

const OPTED_OUT = { sms: 'optedOutSms', whatsapp: 'optedOutWhatsapp', email: 'optedOutEmail' } as const;

/**
 * Sends one message: the `pending` row first (committed, so a crash leaves a trace of what may
 * have gone out), then the provider with retries, then the outcome. Used by owner messages and
 * alerts; reminders use the set-based statements of message.sql.ts for whole batches.
 */
export async function sendMessage(
  ctx: ServiceContext,
  messenger: Messenger,
  message: PendingMessage,
): Promise<SentMessage> {
  const id = await ctx.em.transactional(async (em) => {
    const now = ctx.clock.now().toJSDate();
    const row = em.create(Message, {
      channel: message.channel,
      recipient: message.to,
      subject: message.subject ?? null,
      body: message.body,
      contentSid: message.contentSid ?? null,
      purpose: message.purpose,
      patient: message.patientId ?? null,
      reference: message.reference ?? null,
      provider: providerOf(message.channel),
      segments: message.channel === 'email' ? null : countSegments(message.body).segments,
      status: 'pending',
      createdAt: now,
      updatedAt: now,
    } as never);
    await em.flush();
    return row.id;
  });
  const outcome = await messenger.send(message);
  await ctx.em.transactional((em) => recordOutcome(ctx, em, id, message, outcome));
  return {
    id,
    status: outcomeStatus(outcome),
    providerMessageId: outcome.ok ? outcome.providerMessageId : null,
    errorCode: outcome.ok ? null : outcome.errorCode,
    errorMessage: outcome.ok ? null : outcome.errorMessage,
    transient: outcome.ok ? false : outcome.transient,
    tries: outcome.tries,
  };
}

/**
 * The provider's answer on the message row; a recipient who unsubscribed (Twilio 21610) is opted
 * out of that channel, patient or owner.
 */
async function recordOutcome(
  ctx: ServiceContext,
  em: ServiceContext['em'],
  id: string,
  message: PendingMessage,
  outcome: SendOutcome,
): Promise<void> {
  const now = ctx.clock.now().toJSDate();
  const row = await em.findOneOrFail(Message, id);
  row.status = outcomeStatus(outcome);
  row.providerMessageId = outcome.ok ? outcome.providerMessageId || null : null;
  row.errorCode = outcome.ok ? null : outcome.errorCode;
  row.errorMessage = outcome.ok ? null : outcome.errorMessage.slice(0, 500);
  row.attempts += outcome.tries;
  if (outcome.ok && (outcome.status === 'queued' || outcome.status === 'sent')) row.sentAt = now;
  row.updatedAt = now;
  if (message.patientId && isUnsubscribed(outcome))
    await em.nativeUpdate(Patient, { id: message.patientId }, {
      [OPTED_OUT[message.channel]]: true,
      updatedAt: now,
    } as never);
  if (message.ownerId && isUnsubscribed(outcome))
    await optOut(em, { table: 'owner', by: 'id' }, message.channel, [message.ownerId], now.toISOString());
  await em.flush();
}
