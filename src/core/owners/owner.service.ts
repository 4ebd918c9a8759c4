/**
 * What other domains imported from here before owners moved to one operation per file
 * (add-owner.ts, log-communication.ts, record-satisfaction.ts, owner.queries.ts,
 * owner.repository.ts).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { ownerRepository } from './owner.repository.js';
import { type OwnerView, toOwnerView } from './owner.view.js';

export type { OwnerView } from './owner.view.js';

/**
 * Finds an owner by id, e-mail or exact name (case-insensitive); an ambiguous name is a conflict.
 * @deprecated kept for other domains until the merge: use `ownerRepository(em).getByRef(ref)`.
 */
export async function findOwner(em: EntityManager, ref: string): Promise<OwnerView> {
  return toOwnerView(await ownerRepository(em).getByRef(ref));
}
