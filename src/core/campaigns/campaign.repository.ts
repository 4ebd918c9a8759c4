import type { EntityManager } from '@mikro-orm/postgresql';
import { mikroCore, mikroPostgres } from '../db/mikro-orm.js';
import { isUuid } from '../db/values.js';
import { NotFoundError } from '../errors.js';
import type { Campaign } from './campaign.entity.js';

/** Lookups of campaigns, by slug (what operators type) or id. */
export class CampaignRepository extends mikroPostgres.EntityRepository<Campaign> {
  /** The campaign a reference names (slug, any case, or id); `lock` takes FOR UPDATE. */
  async getByRef(ref: string, options: { lock?: boolean } = {}): Promise<Campaign> {
    const text = ref.trim();
    const where = isUuid(text) ? { id: text } : { slug: text.toLowerCase() };
    const campaign = await this.findOne(
      where,
      options.lock ? { lockMode: mikroCore.LockMode.PESSIMISTIC_WRITE } : {},
    );
    if (!campaign) throw new NotFoundError('campaign', ref);
    return campaign;
  }
}

/** The campaign repository of an EntityManager (typed: defineEntity cannot declare it). */
export function campaignRepository(em: EntityManager): CampaignRepository {
  return em.getRepository<Campaign>('Campaign') as unknown as CampaignRepository;
}
