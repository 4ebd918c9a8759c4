import type { Messenger, SendOptions, SendOutcome } from '../messaging/messenger.js';
import type { ClaimedReminder } from './claim-reminders.js';

/** A claimed reminder and what the provider answered. */
export interface SentReminder {
  claim: ClaimedReminder;
  outcome: SendOutcome;
}

/**
 * SEND: one claimed reminder's message to the provider (the messenger retries transient errors,
 * and asks Twilio before trying again after a try in doubt). `isTaken` says whether a provider id
 * found that way belongs to another message already.
 */
export async function sendReminder(
  messenger: Messenger,
  claim: ClaimedReminder,
  isTaken: SendOptions['isTaken'],
): Promise<SentReminder> {
  return { claim, outcome: await messenger.send(claim.message, { isTaken }) };
}
