import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { query } from '../db/sql.js';
import { ConflictError } from '../errors.js';
import { campaignRepository } from './campaign.repository.js';

/**
 * Resumes a paused campaign: it is `sending` again, and recipients whose send failed with a
 * transient error (429, 5xx, timeouts: the storm that paused it) are pending again; permanent
 * failures (invalid number, unsubscribed) stay failed. Returns how many were put back.
 */
export async function resumeCampaign(
  ctx: ServiceContext,
  ref: string,
): Promise<{ slug: string; retried: number }> {
  return ctx.em.transactional(async (t) => {
    const em = t as EntityManager;
    const campaign = await campaignRepository(em).getByRef(ref, { lock: true });
    if (campaign.status !== 'paused')
      throw new ConflictError(
        'campaign_not_paused',
        `campaign ${campaign.slug} is ${campaign.status}, not paused`,
      );
    const [row] = await query<{ n: number }>(
      em,
      `with r as (update campaign_recipients set status = 'pending', retryable = false, reason = null, message_id = null
         where campaign_id = $1 and status = 'failed' and retryable returning 1)
       select count(*)::int as n from r`,
      [campaign.id],
    );
    const reason = campaign.pauseReason;
    campaign.status = 'sending';
    campaign.pauseReason = null;
    campaign.updatedAt = ctx.clock.now().toJSDate();
    await em.flush();
    await recordAudit(em, ctx.actor, 'campaign', campaign.id, {
      action: 'resume',
      slug: campaign.slug,
      pausedFor: reason,
      retried: row?.n ?? 0,
    });
    return { slug: campaign.slug, retried: row?.n ?? 0 };
  });
}
