import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { query } from '../db/sql.js';
import { ConflictError } from '../errors.js';
import { campaignRepository } from './campaign.repository.js';
import { type CampaignView, toCampaignView } from './campaign.view.js';

/**
 * Cancels a campaign that is not finished: nothing more is sent. Recipients still pending are
 * marked skipped (`cancelled`); a sender at work stops at its next batch, and the provider calls
 * it has in flight finish and are recorded.
 */
export async function cancelCampaign(ctx: ServiceContext, ref: string): Promise<CampaignView> {
  return ctx.em.transactional(async (em) => {
    const campaign = await campaignRepository(em).getByRef(ref, { lock: true });
    if (campaign.status === 'completed' || campaign.status === 'cancelled')
      throw new ConflictError('campaign_finished', `campaign ${campaign.slug} is already ${campaign.status}`);
    const before = campaign.status;
    const [row] = await query<{ n: number }>(
      em,
      `with s as (update campaign_recipients set status = 'skipped', reason = 'cancelled'
         where campaign_id = $1 and status = 'pending' returning 1)
       select count(*)::int as n from s`,
      [campaign.id],
    );
    campaign.status = 'cancelled';
    campaign.skippedCount += row?.n ?? 0;
    campaign.updatedAt = ctx.clock.now().toJSDate();
    await em.flush();
    await recordAudit(em, ctx.actor, 'campaign', campaign.id, {
      action: 'cancel',
      slug: campaign.slug,
      from: before,
      unsent: row?.n ?? 0,
    });
    return toCampaignView(campaign);
  });
}
