import type { EntityManager } from '@mikro-orm/postgresql';
import { mikroCore, mikroPostgres } from '../db/mikro-orm.js';
import { isUuid } from '../db/values.js';
import { NotFoundError } from '../errors.js';
import type { Feedback } from './feedback.entity.js';

/** Lookups of feedback, by the code operators type (FB-000001) or by id. */
export class FeedbackRepository extends mikroPostgres.EntityRepository<Feedback> {
  /** The feedback a reference names; `lock` takes a row lock (FOR UPDATE) for the transaction. */
  async getByRef(ref: string, options: { lock?: boolean } = {}): Promise<Feedback> {
    const text = ref.trim();
    const where = isUuid(text) ? { id: text } : { code: text.toUpperCase() };
    const found = await this.findOne(
      where as never,
      options.lock ? { lockMode: mikroCore.LockMode.PESSIMISTIC_WRITE, refresh: true } : {},
    );
    if (!found) throw new NotFoundError('feedback', ref);
    return found;
  }
}

/** The feedback repository of an EntityManager (typed: defineEntity cannot declare it). */
export function feedbackRepository(em: EntityManager): FeedbackRepository {
  return em.getRepository<Feedback>('Feedback') as unknown as FeedbackRepository;
}
