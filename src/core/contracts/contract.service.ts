import type { EntityManager } from '@mikro-orm/postgresql';
import { contractView } from './contract.queries.js';
import { contractRepository } from './contract.repository.js';
import type { ContractView } from './contract.view.js';

/**
 * One contract by number (any case) or id.
 * @deprecated kept for other domains until the merge: use `getContract(ctx, ref)` from
 * contract.queries.ts, or `contractRepository(em).getByRef(ref)` for the entity.
 */
export async function findContract(em: EntityManager, ref: string): Promise<ContractView> {
  return contractView(em, await contractRepository(em).getByRef(ref));
}
