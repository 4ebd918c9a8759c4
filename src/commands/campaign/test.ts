import { maskText } from '../../core/audit/redact.js';
import { testCampaign } from '../../core/campaigns/test-campaign.js';
import { PartialFailureError, UsageError } from '../../core/errors.js';
import { loadMessagingConfig } from '../../core/messaging/messaging.config.js';
import { realMessengers } from '../../core/messaging/messaging.runtime.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  to?: string;
  language?: string;
}

export async function run(ctx: CommandContext, [ref]: string[], flags: Flags): Promise<void> {
  if (!flags.to) throw new UsageError('--to is required: your own phone number or e-mail address');
  const config = loadMessagingConfig(ctx.config.env);
  const sent = await ctx.withServices(async (svc) => {
    const { campaignRepository } = await import('../../core/campaigns/campaign.repository.js');
    const campaign = await campaignRepository(svc.em).getByRef(ref);
    const messenger = await realMessengers(config)([campaign.channel]);
    return testCampaign(svc, messenger, ref, flags.to!, flags.language);
  });
  if (ctx.json) printJson(ctx, { ...sent, to: maskText(sent.to) });
  else
    ctx.print(
      `${sent.status}: test message to ${maskText(sent.to)}${sent.errorMessage ? ` (${sent.errorCode}: ${sent.errorMessage})` : ''}`,
    );
  if (sent.status === 'failed')
    throw new PartialFailureError(
      'campaign_test_failed',
      `the test message failed: ${sent.errorCode}: ${sent.errorMessage}`,
    );
}
