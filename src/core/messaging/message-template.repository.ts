import type { EntityManager } from '@mikro-orm/postgresql';
import { mikroPostgres } from '../db/mikro-orm.js';
import type { MessageTemplate } from './message-template.entity.js';

/** Lookups of saved template variants, by key (all languages) or by key and language. */
export class MessageTemplateRepository extends mikroPostgres.EntityRepository<MessageTemplate> {
  /** Every saved language variant of a template. */
  findByKey(key: string): Promise<MessageTemplate[]> {
    return this.find({ key });
  }

  /** The saved variant of a template in one language, if any. */
  findVariant(key: string, language: string): Promise<MessageTemplate | null> {
    return this.findOne({ key, language: language as MessageTemplate['language'] });
  }
}

/** The template repository of an EntityManager (typed: defineEntity cannot declare it). */
export function messageTemplateRepository(em: EntityManager): MessageTemplateRepository {
  return em.getRepository<MessageTemplate>('MessageTemplate') as unknown as MessageTemplateRepository;
}
