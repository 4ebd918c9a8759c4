/**
 * Sends whose outcome is in doubt (a runner died between starting the provider call and recording
 * its answer), asked of Twilio — the one place that rule lives, for the reminder runner's sweep,
 * the outbox sender and campaign senders alike.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { knownProviderIds } from './message.sql.js';
import type { Messenger } from './messenger.js';
import type { FoundMessage, OutgoingMessage } from './providers.js';

/** What Twilio said about one send in doubt: the message it holds, none, or no answer. */
export type InDoubtAnswer<R> =
  | { row: R; match: FoundMessage }
  | { row: R; notFound: true }
  | { row: R; error: unknown };

/** The provider's answers, before they are matched to rows (`assignFoundSends`). */
export interface ProviderAnswers<R> {
  asked: { row: R; found?: FoundMessage[]; error?: unknown }[];
}

/**
 * Asks the provider about every send at once. Done outside any transaction: no database work
 * waits on the provider.
 */
export async function askProviderAboutSends<R>(
  messenger: Messenger,
  rows: R[],
  sendOf: (row: R) => { message: OutgoingMessage; startedAt: Date },
): Promise<ProviderAnswers<R>> {
  const asked = await Promise.all(
    rows.map(async (row) => {
      const { message, startedAt } = sendOf(row);
      try {
        return { row, found: await messenger.findSent(message, startedAt) };
      } catch (error) {
        return { row, error };
      }
    }),
  );
  return { asked };
}

/**
 * In the transaction that records the verdicts: gives each provider message to one row only. A
 * provider id another message row already holds is that row's (three reminders of one
 * appointment can carry the same text), and two rows of this group never take the same one.
 */
export async function assignFoundSends<R>(
  em: EntityManager,
  answers: ProviderAnswers<R>,
): Promise<InDoubtAnswer<R>[]> {
  const taken = await knownProviderIds(
    em,
    answers.asked.flatMap((a) => (a.found ?? []).map((f) => f.providerMessageId)),
  );
  return answers.asked.map(({ row, found, error }): InDoubtAnswer<R> => {
    if (!found) return { row, error };
    const match = found.find((f) => !taken.has(f.providerMessageId));
    if (!match) return { row, notFound: true };
    taken.add(match.providerMessageId);
    return { row, match };
  });
}
