import { isoTimestamp, isoTimestampOrNull } from '../db/values.js';
import type { Channel } from '../patients/patient.entity.js';
import { maskEmail, maskPhone } from '../phone.js';
import type { Message } from './message.entity.js';
import type { MessagePurpose, MessageStatus } from './message.types.js';

/** A recipient as lists show it: `+234803***4567`, `a***@example.ng`. */
export function maskRecipient(channel: Channel, to: string): string {
  return channel === 'email' ? maskEmail(to) : maskPhone(to);
}

/** A message as `message list` prints it and `--json` shows it. */
export interface MessageView {
  id: string;
  createdAt: string;
  channel: Channel;
  /** Masked: `+234803***4567`, `a***@example.ng`. */
  recipient: string;
  purpose: MessagePurpose;
  status: MessageStatus;
  providerMessageId: string | null;
  errorCode: string | null;
  attempts: number;
  segments: number | null;
  body: string;
  reference: string | null;
  sentAt: string | null;
}

export function toMessageView(m: Message): MessageView {
  return {
    id: m.id,
    createdAt: isoTimestamp(m.createdAt),
    channel: m.channel,
    recipient: maskRecipient(m.channel, m.recipient),
    purpose: m.purpose,
    status: m.status,
    providerMessageId: m.providerMessageId ?? null,
    errorCode: m.errorCode ?? null,
    attempts: m.attempts,
    segments: m.segments ?? null,
    body: m.body,
    reference: m.reference ?? null,
    sentAt: isoTimestampOrNull(m.sentAt),
  };
}
