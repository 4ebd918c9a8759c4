import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { ConflictError, ValidationError } from '../errors.js';
import { type MessagingConfig, requireCredentials } from '../messaging/messaging.config.js';
import { snapshotAudience } from './audience.sql.js';
import type { Campaign } from './campaign.entity.js';
import { campaignRepository } from './campaign.repository.js';
import { analyzeRecipients } from './campaign-send.sql.js';

/**
 * The start of a send, one transaction: a draft campaign's audience is snapshotted into
 * campaign_recipients (later sign-ups are not added), its holdout drawn, and it becomes
 * `sending`. A campaign already sending is left as it is (a re-run after a crash, or a second
 * sender); a paused or cancelled one is refused (exit 5), a completed one has nothing left to do.
 */
export async function startCampaignSend(
  ctx: ServiceContext,
  messaging: MessagingConfig,
  ref: string,
  holdoutBps: number | undefined,
): Promise<Campaign> {
  if (holdoutBps !== undefined && (!Number.isInteger(holdoutBps) || holdoutBps < 0 || holdoutBps > 5000))
    throw new ValidationError('holdout', `${holdoutBps / 100}%`, 'expected a share from 0% to 50%');
  const { campaign, snapshotted } = await ctx.em.transactional(async (t) => {
    const em = t as EntityManager;
    const campaign = await campaignRepository(em).getByRef(ref, { lock: true });
    if (campaign.status === 'cancelled')
      throw new ConflictError(
        'campaign_cancelled',
        `campaign ${campaign.slug} is cancelled; nothing is sent`,
      );
    if (campaign.status === 'paused')
      throw new ConflictError(
        'campaign_paused',
        `campaign ${campaign.slug} is paused (${campaign.pauseReason ?? 'by an operator'}); run \`crm campaign resume ${campaign.slug}\``,
      );
    if (campaign.status !== 'draft') {
      if (holdoutBps !== undefined && holdoutBps !== (campaign.holdoutBps ?? 0))
        throw new ConflictError(
          'campaign_holdout_fixed',
          `campaign ${campaign.slug}'s holdout was drawn at its first send (${(campaign.holdoutBps ?? 0) / 100}%); it cannot change`,
        );
      return { campaign, snapshotted: false };
    }
    // Before anything is written: a channel without credentials is exit 7.
    requireCredentials(messaging, [campaign.channel]);
    const now = ctx.clock.now();
    campaign.holdoutBps = holdoutBps ?? 0;
    const counts = await snapshotAudience(em, campaign, ctx.config.campaigns, now);
    campaign.status = 'sending';
    campaign.snapshotAt = now.toJSDate();
    campaign.updatedAt = now.toJSDate();
    // The counters from the snapshot's own counts: grouping a million fresh rows again, before
    // the planner knows of them, took 1.8 s.
    campaign.audienceCount = counts.total;
    campaign.sentCount = 0;
    campaign.failedCount = 0;
    campaign.skippedCount = counts.skipped;
    campaign.holdoutCount = counts.holdout;
    await em.flush();
    await recordAudit(em, ctx.actor, 'campaign', campaign.id, {
      action: 'send',
      slug: campaign.slug,
      audience: counts.total,
      pending: counts.pending,
      skipped: counts.skipped,
      holdout: counts.holdout,
      holdoutPercent: (holdoutBps ?? 0) / 100,
    });
    return { campaign, snapshotted: true };
  });
  // After the commit, so that the statistics count the new recipients.
  if (snapshotted) await analyzeRecipients(ctx.em);
  return campaign;
}
