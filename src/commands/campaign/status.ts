import { campaignStatus } from '../../core/campaigns/campaign-status.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson, printRecord, printTable } from '../_shared/render.js';

export async function run(ctx: CommandContext, [ref]: string[], _flags: GlobalFlags): Promise<void> {
  const s = await ctx.withServices((svc) => campaignStatus(svc, ref));
  if (ctx.json) return printJson(ctx, s);
  await printRecord(ctx, [
    ['campaign', `${s.campaign.slug} (${s.campaign.channel}, ${s.campaign.purpose})`],
    ['status', s.campaign.status + (s.campaign.pauseReason ? `: ${s.campaign.pauseReason}` : '')],
    [
      'recipients',
      Object.entries(s.byStatus)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || '-',
    ],
    ['delivery rate', s.deliveryRate === null ? '-' : `${(s.deliveryRate * 100).toFixed(1)}%`],
    [
      'provider statuses',
      Object.entries(s.delivery)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || '-',
    ],
    ['synced by message sync', s.syncedMessages],
  ]);
  const rows = [
    ...s.failures.map((f) => ({ kind: 'failed', ...f })),
    ...s.skipped.map((f) => ({ kind: 'skipped', ...f })),
  ];
  if (rows.length) {
    ctx.print('');
    await printTable(
      ctx,
      [
        { header: 'outcome', value: (r) => r.kind },
        { header: 'code', value: (r) => r.code },
        { header: 'reason', value: (r) => r.reason },
        { header: 'count', value: (r) => r.count, align: 'right' },
      ],
      rows,
    );
  }
}
