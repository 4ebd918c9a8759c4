import type { EntityManager } from '@mikro-orm/postgresql';
import { type Actor, recordAudit } from '../audit/audit.js';
import { queryOne } from '../db/sql.js';
import { PartialFailureError, ValidationError } from '../errors.js';
import { findOwner } from '../owners/owner.service.js';
import type { Channel } from '../patients/patient.entity.js';
import type { Clock } from '../time.js';
import { maskRecipient, type SentMessage, sendOneMessage } from './message.service.js';
import type { Messenger } from './messenger.js';
import { countSegments } from './segments.js';

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
  em: EntityManager,
  clock: Clock,
  input: OwnerMessageInput,
  actor: Actor,
  messengerFor?: (channels: Channel[]) => Promise<Messenger>,
): Promise<OwnerMessageResult> {
  const channel = input.channel?.trim().toLowerCase() as Channel;
  if (!['sms', 'whatsapp', 'email'].includes(channel))
    throw new ValidationError('channel', input.channel, 'use email, sms or whatsapp');
  if (!input.body?.trim()) throw new ValidationError('body', input.body, 'is required');
  if (channel === 'email' && !input.subject?.trim())
    throw new ValidationError('subject', input.subject, 'is required for e-mail');
  const owner = await findOwner(em, input.owner);
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
  const sent: SentMessage = await sendOneMessage(em, messenger, clock, {
    channel,
    to,
    subject: input.subject?.trim() || null,
    body: input.body,
    purpose: 'owner',
    reference: `owner:${owner.id}`,
  });
  const communicationId = await em.transactional(async (t) => {
    const tem = t as EntityManager;
    const at = clock.now().toISO()!;
    const row = await queryOne<{ id: string }>(
      tem,
      `insert into owner_communications (owner_id, channel, direction, subject, body, operator, occurred_at,
         delivery_status, message_id)
       values ($1, $2, 'outbound', $3, $4, $5, $6::timestamptz, $7, $8) returning id`,
      [
        owner.id,
        channel,
        input.subject?.trim() || null,
        input.body,
        actor.operator,
        at,
        sent.status,
        sent.id,
      ],
    );
    await recordAudit(
      tem,
      actor,
      'owner_communication',
      row!.id,
      { owner: owner.id, channel, message: sent.id },
      at,
    );
    return row!.id;
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
