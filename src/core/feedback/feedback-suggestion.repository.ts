import type { EntityManager } from '@mikro-orm/postgresql';
import { mikroCore, mikroPostgres } from '../db/mikro-orm.js';
import { isUuid } from '../db/values.js';
import { NotFoundError } from '../errors.js';
import type { FeedbackSuggestion } from './feedback-suggestion.entity.js';

/** Lookups of suggestions, by the code operators type (SG-000001) or by id. */
export class FeedbackSuggestionRepository extends mikroPostgres.EntityRepository<FeedbackSuggestion> {
  /** The suggestion a reference names; `lock` takes a row lock (FOR UPDATE) for the transaction. */
  async getByRef(ref: string, options: { lock?: boolean } = {}): Promise<FeedbackSuggestion> {
    const text = ref.trim();
    const where = isUuid(text) ? { id: text } : { code: text.toUpperCase() };
    const found = await this.findOne(
      where as never,
      options.lock ? { lockMode: mikroCore.LockMode.PESSIMISTIC_WRITE, refresh: true } : {},
    );
    if (!found) throw new NotFoundError('suggestion', ref);
    return found;
  }
}

/** The suggestion repository of an EntityManager (typed: defineEntity cannot declare it). */
export function feedbackSuggestionRepository(em: EntityManager): FeedbackSuggestionRepository {
  return em.getRepository<FeedbackSuggestion>(
    'FeedbackSuggestion',
  ) as unknown as FeedbackSuggestionRepository;
}
