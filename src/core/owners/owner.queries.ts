import type { EntityManager } from '@mikro-orm/postgresql';
import type { ServiceContext } from '../context.js';
import { Owner } from './owner.entity.js';
import { ownerRepository } from './owner.repository.js';
import { countActiveContractsPerOwner, ownerContracts, satisfactionSummary } from './owner.sql.js';
import {
  type CommunicationView,
  type OwnerDetail,
  type OwnerView,
  toCommunicationView,
  toOwnerView,
} from './owner.view.js';
import { OwnerCommunication } from './owner-communication.entity.js';

/** Every owner by name (then id), with how many active contracts they have. */
export async function listOwners(ctx: ServiceContext): Promise<(OwnerView & { activeContracts: number })[]> {
  const counts = await countActiveContractsPerOwner(ctx.em);
  const owners = await ctx.em.find(Owner, {}, { orderBy: { name: 'asc', id: 'asc' } });
  return owners.map((o) => ({ ...toOwnerView(o), activeContracts: counts.get(o.id) ?? 0 }));
}

/** One owner (by id, e-mail or exact name) with contracts, satisfaction and the last 10 contacts. */
export async function showOwner(ctx: ServiceContext, ref: string): Promise<OwnerDetail> {
  const owner = toOwnerView(await ownerRepository(ctx.em).getByRef(ref));
  return {
    ...owner,
    contracts: await ownerContracts(ctx.em, owner.id),
    satisfaction: await satisfactionSummary(ctx.em, owner.id),
    recentCommunications: await listCommunications(ctx.em, owner.id, 10),
  };
}

/** An owner's contacts, newest first (then by id), at most `limit`. */
export async function listCommunications(
  em: EntityManager,
  ownerId: string,
  limit = 50,
): Promise<CommunicationView[]> {
  const contacts = await em.find(
    OwnerCommunication,
    { owner: ownerId },
    { orderBy: { occurredAt: 'desc', id: 'asc' }, limit },
  );
  return contacts.map(toCommunicationView);
}

export { satisfactionSummary } from './owner.sql.js';
