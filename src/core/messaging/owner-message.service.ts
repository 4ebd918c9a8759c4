import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { PartialFailureError, ValidationError } from '../errors.js';
import { ownerRepository } from '../owners/owner.repository.js';
import { OwnerCommunication } from '../owners/owner-communication.entity.js';
import type { Channel } from '../patients/patient.entity.js';
import { maskRecipient } from './message.view.js';
import type { Messenger } from './messenger.js';
import { countSegments } from './segments.js';
import { type SentMessage, sendMessage } from './send-message.js';

export interface OwnerMessageInput {
  owner: string;
  channel: string;
  subject?: string;
  body: string;
}

export interface OwnerMessageResult {
  owner: string;
  channel: Channel;
  /** Masked recipient. */
  to: string;
  segments: number | null;
  dryRun: boolean;
  messageId: string | null;
  communicationId: string | null;
  status: string;
  errorCode: string | null;
}

/**
 * `crm owner message`: sends through the messaging layer (the `messages` row first), then logs
 * the contact in `owner_communications` with its delivery status; `message sync` keeps that
 * status up to date. With `messengerFor` undefined it is a dry run: validated, nothing sent.
 */
export async function sendOwnerMessage(
  ctx: ServiceContext,
  input: OwnerMessageInput,
  messengerFor?: (channels: Channel[]) => Promise<Messenger>,
): Promise<OwnerMessageResult> {
  const channel = input.channel?.trim().toLowerCase() as Channel;
  if (!['sms', 'whatsapp', 'email'].includes(channel))
    throw new ValidationError('channel', input.channel, 'use email, sms or whatsapp');
  if (!input.body?.trim()) throw new ValidationError('body', input.body, 'is required');
  if (channel === 'email' && !input.subject?.trim())
    throw new ValidationError('subject', input.subject, 'is required for e-mail');
  const owner = await ownerRepository(ctx.em).getByRef(input.owner);
  const to = channel === 'email' ? owner.email : owner.phone;
  if (!to)
    throw new ValidationError(
      'channel',
      channel,
      `owner ${owner.name} has no ${channel === 'email' ? 'e-mail' : 'phone'}`,
    );
  const base = {
    owner: owner.id,
    channel,
    to: maskRecipient(channel, to),
    segments: channel === 'email' ? null : countSegments(input.body).segments,
  };
  if (!messengerFor)
    return {
      ...base,
      dryRun: true,
      messageId: null,
      communicationId: null,
      status: 'dry-run',
      errorCode: null,
    };
  const messenger = await messengerFor([channel]);
  const sent: SentMessage = await sendMessage(ctx, messenger, {
    channel,
    to,
    subject: input.subject?.trim() || null,
    body: input.body,
    purpose: 'owner',
    ownerId: owner.id,
    reference: `owner:${owner.id}`,
  });
  const communicationId = await ctx.em.transactional(async (em) => {
    const at = ctx.clock.now().toISO()!;
    const contact = em.create(OwnerCommunication, {
      owner: owner.id,
      channel,
      direction: 'outbound',
      subject: input.subject?.trim() || null,
      body: input.body,
      operator: ctx.actor.operator,
      occurredAt: new Date(at),
      deliveryStatus: sent.status,
      messageId: sent.id,
    } as never);
    await em.flush();
    await recordAudit(em, ctx.actor, 'owner_communication', contact.id, {
      owner: owner.id,
      channel,
      message: sent.id,
    });
    return contact.id;
  });
  const result = {
    ...base,
    dryRun: false,
    messageId: sent.id,
    communicationId,
    status: sent.status,
    errorCode: sent.errorCode,
  };
  if (sent.status === 'failed')
    throw Object.assign(
      new PartialFailureError(
        'owner_message_failed',
        `the message to ${base.to} was not accepted: ${sent.errorCode} ${sent.errorMessage ?? ''}`.trim(),
      ),
      { result },
    );
  return result;
}
