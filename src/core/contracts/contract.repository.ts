import type { EntityManager } from '@mikro-orm/postgresql';
import { mikroCore, mikroPostgres } from '../db/mikro-orm.js';
import { idPrefixRange, isUuid } from '../db/values.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { Contract, ContractMilestone } from './contract.entity.js';

const { LockMode } = mikroCore;

/** Lookups of contracts, by the number operators type or by id. */
export class ContractRepository extends mikroPostgres.EntityRepository<Contract> {
  /**
   * The contract a reference names: its number (`CT-2026-0001`, any case) or its id, with its
   * hospital loaded. `lock` takes a row lock on the contract alone (FOR UPDATE) for the rest of
   * the transaction; the hospital is then read by a query of its own, unlocked.
   */
  async getByRef(ref: string, options: { lock?: boolean } = {}): Promise<Contract> {
    const text = ref.trim();
    const where = isUuid(text) ? { id: text } : { number: text.toUpperCase() };
    const contract = options.lock
      ? await this.findOne(where, { lockMode: LockMode.PESSIMISTIC_WRITE })
      : await this.findOne(where, { populate: ['hospital'] });
    if (!contract) throw new NotFoundError('contract', ref);
    if (options.lock) await this.em.populate(contract, ['hospital']);
    return contract;
  }
}

/** Lookups of review milestones, by id or the first characters of it. */
export class ContractMilestoneRepository extends mikroPostgres.EntityRepository<ContractMilestone> {
  /**
   * The milestone an id, or a unique prefix of one of at least 8 characters, names: not found
   * (exit 4) when nothing matches, ambiguous (exit 5) when more than one does. `lock` takes a row
   * lock (FOR UPDATE) for the rest of the transaction.
   */
  async getByRef(ref: string, options: { lock?: boolean } = {}): Promise<ContractMilestone> {
    const text = ref.trim().toLowerCase();
    if (!/^[0-9a-f-]{8,36}$/.test(text)) throw new NotFoundError('milestone', ref);
    const id = idPrefixRange(text);
    const found = id
      ? await this.find(
          { id },
          { limit: 2, ...(options.lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {}) },
        )
      : [];
    if (found.length === 0) throw new NotFoundError('milestone', ref);
    if (found.length > 1)
      throw new ConflictError('milestone_ambiguous', `more than one milestone starts with ${ref}`);
    return found[0];
  }
}

/** The contract repository of an EntityManager (typed: defineEntity cannot declare it). */
export function contractRepository(em: EntityManager): ContractRepository {
  return em.getRepository<Contract>('Contract') as unknown as ContractRepository;
}

/** The milestone repository of an EntityManager (typed: defineEntity cannot declare it). */
export function milestoneRepository(em: EntityManager): ContractMilestoneRepository {
  return em.getRepository<ContractMilestone>('ContractMilestone') as unknown as ContractMilestoneRepository;
}
