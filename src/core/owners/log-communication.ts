import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { ValidationError } from '../errors.js';
import { oneOf } from './one-of.js';
import { ownerRepository } from './owner.repository.js';
import { type CommunicationView, toCommunicationView } from './owner.view.js';
import { DIRECTIONS, LOG_CHANNELS, OwnerCommunication } from './owner-communication.entity.js';

export interface LogContactInput {
  owner: string;
  channel: string;
  summary: string;
  subject?: string;
  direction?: string;
  attachments?: string[];
  /** When the contact happened (default now). */
  at?: string;
}

/** Records a contact made outside the tool (a call, a meeting, a message sent from a phone). */
export async function logOwnerContact(
  ctx: ServiceContext,
  input: LogContactInput,
): Promise<CommunicationView> {
  const channel = oneOf(LOG_CHANNELS, input.channel, 'channel');
  const direction = input.direction ? oneOf(DIRECTIONS, input.direction, 'direction') : 'outbound';
  if (!input.summary?.trim()) throw new ValidationError('summary', input.summary, 'is required');
  return ctx.em.transactional(async (em) => {
    const owner = await ownerRepository(em).getByRef(input.owner);
    const at = input.at ?? ctx.clock.now().toISO()!;
    const contact = em.create(OwnerCommunication, {
      owner,
      channel,
      direction,
      subject: input.subject?.trim() || null,
      body: input.summary.trim(),
      attachments: input.attachments ?? [],
      operator: ctx.actor.operator,
      occurredAt: new Date(at),
    } as never);
    await em.flush();
    await recordAudit(em, ctx.actor, 'owner_communication', contact.id, {
      owner: owner.id,
      channel,
      direction,
    });
    return toCommunicationView(contact);
  });
}
