import { ownerAnalytics } from '../../core/analytics/owner-analytics.js';
import { formatNaira } from '../../core/money.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { colour, printJson, printTable } from '../_shared/render.js';

export async function run(ctx: CommandContext, args: string[], _flags: GlobalFlags): Promise<void> {
  const a = await ctx.withServices((svc) => ownerAnalytics(svc, args[0]));
  if (ctx.json) return printJson(ctx, a);
  const tty = ctx.io.stdoutIsTTY;
  const money = (kobo: number) => (tty ? formatNaira(BigInt(kobo)) : kobo);
  const periods = [
    { header: 'period', value: (p: (typeof a.periods)[number]) => p.period },
    { header: 'hospitals', value: (p: (typeof a.periods)[number]) => p.hospitals.join(' ') },
    {
      header: tty ? 'revenue' : 'gross_revenue_kobo',
      value: (p: (typeof a.periods)[number]) => money(p.grossRevenueKobo),
      align: 'right' as const,
    },
    {
      header: tty ? 'owner share' : 'owner_share_kobo',
      value: (p: (typeof a.periods)[number]) => money(p.ownerShareKobo),
      align: 'right' as const,
    },
    {
      header: tty ? 'top-up' : 'top_up_kobo',
      value: (p: (typeof a.periods)[number]) => money(p.topUpKobo),
      align: 'right' as const,
    },
    {
      header: tty ? 'net' : 'net_kobo',
      value: (p: (typeof a.periods)[number]) => money(p.netKobo),
      align: 'right' as const,
    },
    { header: 'status', value: (p: (typeof a.periods)[number]) => p.statuses.join(' ') },
  ];
  if (!tty) {
    // Piped: the periods as TSV; the other parts are in --json.
    await printTable(ctx, periods, a.periods);
    return;
  }
  const chalk = await colour(ctx);
  ctx.print(chalk.bold(`${a.owner.name} — revenue and payouts by period`));
  await printTable(ctx, periods, a.periods);
  ctx.print(
    `total: revenue ${formatNaira(BigInt(a.totals.grossRevenueKobo))}, owner share ${formatNaira(BigInt(a.totals.ownerShareKobo))}, top-ups ${formatNaira(BigInt(a.totals.topUpKobo))}, net ${formatNaira(BigInt(a.totals.netKobo))}`,
  );
  ctx.print('');
  ctx.print(chalk.bold('Satisfaction'));
  await printTable(
    ctx,
    [
      { header: 'month', value: (s) => s.month },
      { header: 'ratings', value: (s) => s.ratings, align: 'right' },
      {
        header: 'average (1–5)',
        value: (s) => (s.averageRating === null ? '—' : s.averageRating.toFixed(2)),
        align: 'right',
      },
      {
        header: 'would recommend',
        value: (s) => (s.wouldRecommendShare === null ? '—' : `${(s.wouldRecommendShare * 100).toFixed(0)}%`),
        align: 'right',
      },
    ],
    a.satisfaction,
  );
  ctx.print('');
  ctx.print(chalk.bold('Communications'));
  await printTable(
    ctx,
    [
      { header: 'month', value: (c) => c.month },
      { header: 'channel', value: (c) => c.channel },
      { header: 'direction', value: (c) => c.direction },
      { header: 'count', value: (c) => c.count, align: 'right' },
    ],
    a.communications,
  );
}
