import { formatNaira } from '../../core/money.js';
import { listAdjustments } from '../../core/payouts/payout.queries.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson, printTable } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  period: string;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  const rows = await ctx.withServices((svc) => listAdjustments(svc, flags.period));
  if (ctx.json) return printJson(ctx, { period: flags.period, adjustments: rows });
  const n = (kobo: number) => formatNaira(BigInt(kobo));
  await printTable(
    ctx,
    [
      { header: 'payout', value: (r) => r.payout },
      { header: 'was', value: (r) => n(r.wasKobo), align: 'right' },
      { header: 'now', value: (r) => n(r.nowKobo), align: 'right' },
      {
        header: 'adjustment',
        value: (r) => `${r.amountKobo > 0 ? '+' : ''}${n(r.amountKobo)}`,
        align: 'right',
      },
      { header: 'found', value: (r) => `${r.detectedAt} by ${r.detectedBy}` },
      {
        header: 'carried by',
        value: (r) => (r.carriedBy ? `${r.carriedBy} (${r.carriedByStatus})` : 'open'),
      },
    ],
    rows,
  );
}
