import type { Messenger, SendOutcome } from '../messaging/messenger.js';
import type { ClaimedReminder } from './claim-reminders.js';

/** A claimed reminder and what the provider answered. */
export interface SentReminder {
  claim: ClaimedReminder;
  outcome: SendOutcome;
}

/** SEND: one claimed reminder's message to the provider (the messenger retries transient errors). */
export async function sendReminder(messenger: Messenger, claim: ClaimedReminder): Promise<SentReminder> {
  return { claim, outcome: await messenger.send(claim.message) };
}
