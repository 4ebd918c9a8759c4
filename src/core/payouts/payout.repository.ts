import type { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { mikroCore, mikroPostgres } from '../db/mikro-orm.js';
import { idPrefixRange } from '../db/values.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { Payout } from './payout.entity.js';

/** Lookups of payouts, by the reference operators type, an id or an id prefix. */
export class PayoutRepository extends mikroPostgres.EntityRepository<Payout> {
  /**
   * The payout a reference names: its reference (`CT-2026-0001-2026-10`, any case), its id or a
   * unique prefix of its id (≥ 8 characters). `lock` takes a row lock (FOR UPDATE) for the rest
   * of the transaction.
   */
  async getByRef(ref: string, options: { lock?: boolean } = {}): Promise<Payout> {
    const text = ref.trim();
    const lock: { lockMode?: LockMode.PESSIMISTIC_WRITE } = options.lock
      ? { lockMode: mikroCore.LockMode.PESSIMISTIC_WRITE }
      : {};
    let found: Payout[] = [];
    if (/^CT-/i.test(text)) {
      const payout = await this.findOne({ reference: text.toUpperCase() }, lock);
      if (payout) found = [payout];
    } else if (/^[0-9a-f-]{8,36}$/i.test(text)) {
      const id = idPrefixRange(text);
      if (id) found = await this.find({ id }, { ...lock, limit: 2 });
    }
    if (found.length === 0) throw new NotFoundError('payout', ref);
    if (found.length > 1)
      throw new ConflictError('payout_ambiguous', `more than one payout id starts with ${ref}`);
    return found[0];
  }
}

/** The payout repository of an EntityManager (typed: defineEntity cannot declare it). */
export function payoutRepository(em: EntityManager): PayoutRepository {
  return em.getRepository<Payout>('Payout') as unknown as PayoutRepository;
}
