import { type CampaignPreview, previewCampaign } from '../../core/campaigns/preview-campaign.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson, printRecord, printTable } from '../_shared/render.js';

export async function printPreview(ctx: CommandContext, p: CampaignPreview): Promise<void> {
  if (ctx.json) return printJson(ctx, p);
  await printRecord(ctx, [
    ['campaign', `${p.slug} (${p.segment}, ${p.channel}, ${p.purpose})`],
    ['segment', p.segmentSize],
    ['audience', p.audience],
    ...p.filtered.map((f): [string, number] => [`  left out: ${f.description}`, f.count]),
    ['messages', p.estimatedMessages],
    ['SMS segments', p.totalSegments ?? '-'],
    ['estimated cost', p.estimatedCost],
  ]);
  ctx.print('');
  await printTable(
    ctx,
    [
      { header: 'language', value: (l) => l.language },
      { header: 'variant', value: (l) => l.variant },
      { header: 'recipients', value: (l) => l.recipients, align: 'right' },
      { header: 'encoding', value: (l) => l.encoding ?? '-' },
      { header: 'segments', value: (l) => l.segmentsPerMessage ?? '-', align: 'right' },
    ],
    p.languages,
  );
  for (const s of p.samples) {
    ctx.print('');
    ctx.print(`--- sample (${s.language}${s.variant !== s.language ? `, gets ${s.variant}` : ''})`);
    if (s.subject) ctx.print(`Subject: ${s.subject}`);
    ctx.print(s.body);
  }
}

export async function run(ctx: CommandContext, [ref]: string[], _flags: GlobalFlags): Promise<void> {
  const preview = await ctx.withServices((svc) => previewCampaign(svc, ref));
  await printPreview(ctx, preview);
}
