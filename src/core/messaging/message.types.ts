import type { Channel } from '../patients/patient.entity.js';
import type { OutgoingMessage } from './providers.js';

export const MESSAGE_STATUSES = [
  'pending',
  'sending',
  'queued',
  'sent',
  'delivered',
  'failed',
  'undelivered',
  'unknown',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];
export type MessagePurpose = 'reminder' | 'campaign' | 'alert' | 'owner' | 'loyalty';

/** A message about to be sent: what the provider gets, plus what the `messages` row records. */
export interface PendingMessage extends OutgoingMessage {
  purpose: MessagePurpose;
  patientId?: string | null;
  /** The owner an owner message goes to (not stored on the row): a Twilio 21610 opts them out. */
  ownerId?: string | null;
  /** What the message is about (`reminder:<id>`, `owner:<id>`), for tracing. */
  reference?: string | null;
}

/** The provider a channel goes through (the `messages.provider` column). */
export function providerOf(channel: Channel): 'twilio' | 'sendgrid' {
  return channel === 'email' ? 'sendgrid' : 'twilio';
}
