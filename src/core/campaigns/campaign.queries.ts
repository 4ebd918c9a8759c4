import type { ServiceContext } from '../context.js';
import { Campaign } from './campaign.entity.js';
import { type CampaignView, toCampaignView } from './campaign.view.js';

/** Every campaign, newest first. */
export async function listCampaigns(
  ctx: ServiceContext,
  { status }: { status?: string } = {},
): Promise<CampaignView[]> {
  const rows = await ctx.em.find(Campaign, status ? { status: status as never } : {}, {
    orderBy: { createdAt: 'desc', slug: 'desc' },
    populate: ['hospital'],
  });
  return rows.map((c) => toCampaignView(c, c.hospital?.code ?? null));
}
