import type { EntityManager } from '@mikro-orm/postgresql';
import { mikroPostgres } from '../db/mikro-orm.js';
import { isUuid } from '../db/values.js';
import { NotFoundError } from '../errors.js';
import type { Message } from './message.entity.js';

/** Lookups of messages: by id, or by the provider's own id (Twilio SID, SendGrid message id). */
export class MessageRepository extends mikroPostgres.EntityRepository<Message> {
  /** The message with this id; anything else (not a uuid, no such row) is not found (exit 4). */
  async getById(id: string): Promise<Message> {
    const message = isUuid(id) ? await this.findOne({ id }) : null;
    if (!message) throw new NotFoundError('message', id);
    return message;
  }

  /** The message the provider knows by `sid`, if any. */
  findByProviderSid(sid: string): Promise<Message | null> {
    return this.findOne({ providerMessageId: sid });
  }
}

/** The message repository of an EntityManager (typed: defineEntity cannot declare it). */
export function messageRepository(em: EntityManager): MessageRepository {
  return em.getRepository<Message>('Message') as unknown as MessageRepository;
}
