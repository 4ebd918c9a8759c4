import { listCampaigns } from '../../core/campaigns/campaign.queries.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson, printTable } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  status?: string;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  const campaigns = await ctx.withServices((svc) => listCampaigns(svc, { status: flags.status }));
  if (ctx.json) return printJson(ctx, campaigns);
  await printTable(
    ctx,
    [
      { header: 'slug', value: (c) => c.slug },
      { header: 'segment', value: (c) => c.segment },
      { header: 'channel', value: (c) => c.channel },
      { header: 'purpose', value: (c) => c.purpose },
      { header: 'status', value: (c) => c.status },
      { header: 'audience', value: (c) => c.audience, align: 'right' },
      { header: 'sent', value: (c) => c.sent, align: 'right' },
      { header: 'failed', value: (c) => c.failed, align: 'right' },
      { header: 'created', value: (c) => c.createdAt.slice(0, 16) },
    ],
    campaigns,
  );
}
