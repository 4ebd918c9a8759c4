import type { EntityManager } from '@mikro-orm/postgresql';
import { mikroCore, mikroPostgres } from '../db/mikro-orm.js';
import { isUuid } from '../db/values.js';
import { NotFoundError } from '../errors.js';
import type { FeedbackAlert } from './feedback-alert.entity.js';

/** Lookups of alerts, by the code operators type (AL-2026-0001) or by id. */
export class FeedbackAlertRepository extends mikroPostgres.EntityRepository<FeedbackAlert> {
  /** The alert a reference names; `lock` takes a row lock (FOR UPDATE) for the transaction. */
  async getByRef(ref: string, options: { lock?: boolean } = {}): Promise<FeedbackAlert> {
    const text = ref.trim();
    const where = isUuid(text) ? { id: text } : { code: text.toUpperCase() };
    const found = await this.findOne(
      where as never,
      options.lock ? { lockMode: mikroCore.LockMode.PESSIMISTIC_WRITE, refresh: true } : {},
    );
    if (!found) throw new NotFoundError('alert', ref);
    return found;
  }
}

/** The alert repository of an EntityManager (typed: defineEntity cannot declare it). */
export function feedbackAlertRepository(em: EntityManager): FeedbackAlertRepository {
  return em.getRepository<FeedbackAlert>('FeedbackAlert') as unknown as FeedbackAlertRepository;
}
