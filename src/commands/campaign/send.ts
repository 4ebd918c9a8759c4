import { previewCampaign } from '../../core/campaigns/preview-campaign.js';
import { sendCampaign } from '../../core/campaigns/send-campaign.js';
import { loadMessagingConfig } from '../../core/messaging/messaging.config.js';
import { realMessengers } from '../../core/messaging/messaging.runtime.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { intFlag } from '../_shared/flags.js';
import { confirmFromDatabase } from '../_shared/prompts.js';
import { printPreview } from './preview.js';
import { holdoutBps, runSend, withRate } from './send-run.js';

interface Flags extends GlobalFlags {
  dryRun?: boolean;
  rate?: string;
  batch?: string;
  holdout?: string;
}

export async function run(ctx: CommandContext, [ref]: string[], flags: Flags): Promise<void> {
  const messaging = withRate(loadMessagingConfig(ctx.config.env), flags.rate);
  const batchSize = intFlag(flags.batch, '--batch', { min: 1 });
  const holdout = holdoutBps(flags.holdout);
  if (flags.dryRun) {
    const preview = await ctx.withServices((svc) => previewCampaign(svc, ref));
    await printPreview(ctx, preview);
    if (!ctx.json) ctx.print('dry run: nothing was sent or written');
    return;
  }
  await runSend(ctx, ref, (onProgress) =>
    ctx.withServices(async (svc) => {
      // In the send's own session: the audience counted is the one the send then reads.
      await confirmFromDatabase(ctx, flags.yes, svc, async (read) => {
        const p = await previewCampaign(read, ref);
        const held = holdout ? `, less a ${holdout / 100}% holdout` : '';
        return {
          action: `send campaign ${p.slug} by ${p.channel} to ${p.audience} patient(s)${held} (segment ${p.segment}; about ${p.estimatedMessages} message(s), ${p.estimatedCost})`,
          note: 'Messages that are sent cannot be recalled.',
        };
      });
      return sendCampaign(svc, messaging, realMessengers(messaging), ref, {
        holdoutBps: holdout,
        batchSize,
        onProgress,
      });
    }),
  );
}
