import type { ServiceContext } from '../context.js';
import { ValidationError } from '../errors.js';
import type { Channel } from '../patients/patient.entity.js';
import { Message } from './message.entity.js';
import { MESSAGE_STATUSES, type MessagePurpose, type MessageStatus } from './message.types.js';
import { type MessageView, toMessageView } from './message.view.js';

export interface ListMessagesInput {
  status?: string;
  purpose?: string;
  channel?: string;
  limit?: number;
}

/** Recent messages, newest first (recipients masked), filtered by status, purpose and channel. */
export async function listMessages(ctx: ServiceContext, input: ListMessagesInput): Promise<MessageView[]> {
  if (input.status && !(MESSAGE_STATUSES as readonly string[]).includes(input.status))
    throw new ValidationError('status', input.status, `use ${MESSAGE_STATUSES.join(', ')}`);
  const messages = await ctx.em.find(
    Message,
    {
      ...(input.status ? { status: input.status as MessageStatus } : {}),
      ...(input.purpose ? { purpose: input.purpose as MessagePurpose } : {}),
      ...(input.channel ? { channel: input.channel as Channel } : {}),
    },
    { orderBy: { createdAt: 'desc', id: 'asc' }, limit: input.limit ?? 100 },
  );
  return messages.map(toMessageView);
}
