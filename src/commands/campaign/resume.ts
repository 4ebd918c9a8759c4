import { resumeCampaign } from '../../core/campaigns/resume-campaign.js';
import { sendCampaign } from '../../core/campaigns/send-campaign.js';
import { loadMessagingConfig } from '../../core/messaging/messaging.config.js';
import { realMessengers } from '../../core/messaging/messaging.runtime.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { intFlag } from '../_shared/flags.js';
import { confirmOrRefuse } from '../_shared/prompts.js';
import { runSend, withRate } from './send-run.js';

interface Flags extends GlobalFlags {
  rate?: string;
  batch?: string;
}

export async function run(ctx: CommandContext, [ref]: string[], flags: Flags): Promise<void> {
  const messaging = withRate(loadMessagingConfig(ctx.config.env), flags.rate);
  const batchSize = intFlag(flags.batch, '--batch', { min: 1 });
  await confirmOrRefuse(ctx, flags.yes, {
    action: `resume campaign ${ref} and send to the rest of its audience`,
  });
  await runSend(ctx, ref, (onProgress) =>
    ctx.withServices(async (svc) => {
      const { retried } = await resumeCampaign(svc, ref);
      if (retried && !ctx.json)
        ctx.warn(`${retried} recipient(s) whose send failed transiently will be tried again`);
      return sendCampaign(svc, messaging, realMessengers(messaging), ref, { batchSize, onProgress });
    }),
  );
}
