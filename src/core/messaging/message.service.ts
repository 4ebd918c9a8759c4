/**
 * The messaging layer's old entry points, with their old positional signatures, for the callers
 * in other domains (owner-message.service.ts, tests/integration/owner-message.test.ts). The code
 * now lives in send-message.ts, sync-messages.ts, message.queries.ts, message.sql.ts,
 * message.types.ts and message.view.ts.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ServiceContext } from '../context.js';
import type { Clock } from '../time.js';
import type { PendingMessage } from './message.types.js';
import type { Messenger } from './messenger.js';
import { type SentMessage, sendMessage } from './send-message.js';
import { type SyncResult, syncMessages as syncMessageStatuses } from './sync-messages.js';

/** @deprecated kept for other domains until the merge: import it from message.view.ts. */
export { maskRecipient } from './message.view.js';
export type { SentMessage, SyncResult };

/** Only `em` and `clock` are read by the operations these shims call. */
const legacyContext = (em: EntityManager, clock: Clock) => ({ em, clock }) as ServiceContext;

/** @deprecated kept for other domains until the merge: use `sendMessage(ctx, messenger, message)`. */
export function sendOneMessage(
  em: EntityManager,
  messenger: Messenger,
  clock: Clock,
  message: PendingMessage,
): Promise<SentMessage> {
  return sendMessage(legacyContext(em, clock), messenger, message);
}

/** @deprecated kept for other domains until the merge: use `syncMessages(ctx, messenger, options)`. */
export function syncMessages(
  em: EntityManager,
  messenger: Messenger,
  clock: Clock,
  options: { sinceHours?: number; limit?: number } = {},
): Promise<SyncResult> {
  return syncMessageStatuses(legacyContext(em, clock), messenger, options);
}
