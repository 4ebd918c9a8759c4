import { cancelCampaign } from '../../core/campaigns/cancel-campaign.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { confirmOrRefuse } from '../_shared/prompts.js';
import { printJson } from '../_shared/render.js';

export async function run(ctx: CommandContext, [ref]: string[], flags: GlobalFlags): Promise<void> {
  await confirmOrRefuse(ctx, flags.yes, {
    action: `cancel campaign ${ref}`,
    note: 'Nothing more of it will be sent.',
  });
  const campaign = await ctx.withServices((svc) => cancelCampaign(svc, ref));
  if (ctx.json) return printJson(ctx, campaign);
  ctx.print(`cancelled ${campaign.slug}`);
}
