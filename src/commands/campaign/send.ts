import { previewCampaign } from '../../core/campaigns/preview-campaign.js';
import { sendCampaign } from '../../core/campaigns/send-campaign.js';
import { loadMessagingConfig } from '../../core/messaging/messaging.config.js';
import { realMessengers } from '../../core/messaging/messaging.runtime.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { intFlag } from '../_shared/flags.js';
import { confirmOrRefuse } from '../_shared/prompts.js';
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
  await confirmOrRefuse(ctx, flags.yes, `Send campaign ${ref} to its audience now?`);
  await runSend(ctx, ref, (onProgress) =>
    ctx.withServices((svc) =>
      sendCampaign(svc, messaging, realMessengers(messaging), ref, {
        holdoutBps: holdout,
        batchSize,
        onProgress,
      }),
    ),
  );
}
