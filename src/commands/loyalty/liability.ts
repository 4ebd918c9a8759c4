import { loyaltyLiability } from '../../core/loyalty/loyalty.queries.js';
import { formatNaira } from '../../core/money.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson, printRecord } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  hospital?: string;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  const view = await ctx.withServices((svc) => loyaltyLiability(svc, { hospital: flags.hospital }));
  if (ctx.json) return printJson(ctx, view);
  await printRecord(ctx, [
    ['hospital', view.hospital ?? 'all'],
    ['patients with points', view.patients],
    ['points outstanding', view.pointsOutstanding],
    [
      'value',
      `${formatNaira(BigInt(view.valueKobo))} at ${formatNaira(BigInt(view.pointValueKobo))} a point`,
    ],
    ...view.expiring.map(
      (e) =>
        [`expiring in ${e.withinDays} days`, `${e.points} points (${formatNaira(BigInt(e.valueKobo))})`] as [
          string,
          string,
        ],
    ),
  ]);
}
