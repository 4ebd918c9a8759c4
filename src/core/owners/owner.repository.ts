import type { FindOptions } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { mikroCore, mikroPostgres } from '../db/mikro-orm.js';
import { isUuid } from '../db/values.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { Owner } from './owner.entity.js';

const { raw } = mikroCore;

/** Lookups of owners, by id, e-mail or name as operators type them. */
export class OwnerRepository extends mikroPostgres.EntityRepository<Owner> {
  /**
   * The owner a reference names: its id, its e-mail (any case; the unique index on `lower(email)`
   * serves it) or its exact name (any case). A name several owners share is a conflict listing
   * their ids. `lock` takes a row lock (FOR UPDATE) for the rest of the transaction.
   */
  async getByRef(ref: string, options: { lock?: boolean } = {}): Promise<Owner> {
    const text = ref.trim();
    const lock: FindOptions<Owner> = options.lock ? { lockMode: mikroCore.LockMode.PESSIMISTIC_WRITE } : {};
    let owners: Owner[];
    if (isUuid(text)) owners = await this.find({ id: text }, lock);
    else if (text.includes('@'))
      owners = await this.find({ [raw('lower(email) = lower(?)', [text])]: [] } as never, lock);
    else
      owners = await this.find({ [raw('lower(name) = lower(?)', [text])]: [] } as never, {
        ...lock,
        limit: 10,
      });
    if (owners.length === 0) throw new NotFoundError('owner', ref);
    if (owners.length > 1) {
      throw new ConflictError(
        'owner_ambiguous',
        `${owners.length} owners are named ${ref}: ${owners.map((o) => o.id).join(', ')}; use the id`,
      );
    }
    return owners[0];
  }

  /** The owner whose e-mail (already lower-cased) is `email`, if any. */
  findByEmail(email: string): Promise<Owner | null> {
    return this.findOne({ [raw('lower(email)')]: email } as never);
  }
}

/** The owner repository of an EntityManager (typed: defineEntity cannot declare it). */
export function ownerRepository(em: EntityManager): OwnerRepository {
  return em.getRepository<Owner>('Owner') as unknown as OwnerRepository;
}
