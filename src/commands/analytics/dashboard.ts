import { analyticsDashboard, type Dashboard } from '../../core/analytics/dashboard.js';
import {
  type DashboardLine,
  dashboardAreas,
  shownChange,
  shownValue,
} from '../../core/analytics/dashboard-lines.js';
import { dashboardTrends, type ReportTrends } from '../../core/analytics/dashboard-trends.js';
import { formatNaira } from '../../core/money.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { colour, printJson, printTable } from '../_shared/render.js';
import { sparkline } from '../_shared/sparkline.js';

interface Flags extends GlobalFlags {
  period?: string;
  hospital?: string;
  html?: string;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  const input = { period: flags.period, hospital: flags.hospital };
  // The report's module (and through it ECharts) loads only when a report is asked for.
  const report = flags.html === undefined ? undefined : await import('../../core/analytics/html-report.js');
  report?.checkReportFile(flags.html!);
  // On a terminal the tables end with the last months' trends as sparklines.
  const withTrends = !ctx.json && ctx.io.stdoutIsTTY;
  const { dashboard, trends } = await ctx.withServices(async (svc) => {
    if (report) {
      // The report already read the trends it draws.
      const written = await report.writeDashboardReport(svc, flags.html!, input);
      ctx.io.stderr.write(`wrote the ${written.dashboard.period} report to ${written.file}\n`);
      return written;
    }
    const d = await analyticsDashboard(svc, input);
    return { dashboard: d, trends: withTrends ? await dashboardTrends(svc, d) : undefined };
  });
  if (ctx.json) return printJson(ctx, dashboard);
  await printDashboard(ctx, dashboard, withTrends ? trends : undefined);
}

/** The trends a terminal shows, one sparkline each (terminal only: piped output stays TSV). */
export function trendRows(t: ReportTrends): { figure: string; line: string; latest: string }[] {
  const last = <T>(xs: T[]) => xs[xs.length - 1];
  const naira = (kobo: number) => formatNaira(BigInt(kobo));
  const count = (n: number) => n.toLocaleString('en-NG');
  const npsLatest = last(t.nps)?.nps;
  return [
    {
      figure: 'revenue',
      line: sparkline(t.money.map((m) => m.revenueKobo)),
      latest: naira(last(t.money)?.revenueKobo ?? 0),
    },
    {
      figure: 'net to owners',
      line: sparkline(t.money.map((m) => m.netKobo)),
      latest: naira(last(t.money)?.netKobo ?? 0),
    },
    {
      figure: 'guarantee top-ups',
      line: sparkline(t.money.map((m) => m.topUpKobo)),
      latest: naira(last(t.money)?.topUpKobo ?? 0),
    },
    {
      figure: 'completed appointments',
      line: sparkline(t.outcomes.map((m) => m.completed)),
      latest: count(last(t.outcomes)?.completed ?? 0),
    },
    {
      figure: 'no-shows',
      line: sparkline(t.outcomes.map((m) => m.noShows)),
      latest: count(last(t.outcomes)?.noShows ?? 0),
    },
    {
      figure: 'NPS',
      line: sparkline(t.nps.map((m) => m.nps)),
      latest: npsLatest === null || npsLatest === undefined ? '—' : String(npsLatest),
    },
    {
      figure: 'campaign messages sent',
      line: sparkline(t.campaigns.map((m) => m.sent)),
      latest: count(last(t.campaigns)?.sent ?? 0),
    },
  ];
}

export async function printDashboard(
  ctx: CommandContext,
  d: Dashboard,
  trends?: ReportTrends,
): Promise<void> {
  const chalk = await colour(ctx);
  const groups = dashboardAreas(d);
  if (!ctx.io.stdoutIsTTY) {
    // Piped: one TSV table of plain numbers (kobo, shares 0..1), one row per figure.
    const raw = (v: number | null | undefined) => (v === null || v === undefined ? '' : v);
    const rows = groups.flatMap(([area, lines]) => lines.map((line) => ({ area, line })));
    return printTable(
      ctx,
      [
        { header: 'area', value: (r) => r.area },
        { header: 'figure', value: (r) => r.line.label },
        {
          header: 'value',
          value: (r) => raw(typeof r.line.figure === 'number' ? r.line.figure : r.line.figure.value),
        },
        {
          header: 'previous',
          value: (r) => raw(typeof r.line.figure === 'number' ? null : r.line.figure.previous),
        },
        {
          header: 'change',
          value: (r) => raw(typeof r.line.figure === 'number' ? null : r.line.figure.change),
        },
      ],
      rows,
    );
  }
  ctx.print(chalk.bold(`${d.hospital ?? 'All hospitals'} — ${d.period} (against ${d.previousPeriod})`));
  for (const [title, lines] of groups) {
    ctx.print('');
    ctx.print(chalk.bold(title));
    await printTable(
      ctx,
      [
        { header: 'figure', value: (l: DashboardLine) => l.label },
        { header: d.period, value: (l) => shownValue(l, 'value'), align: 'right' },
        { header: d.previousPeriod, value: (l) => shownValue(l, 'previous'), align: 'right' },
        { header: 'change', value: (l) => shownChange(l), align: 'right' },
      ],
      lines,
    );
  }
  if (!trends) return;
  ctx.print('');
  ctx.print(
    chalk.bold(
      `Trends, ${trends.months[0]} to ${trends.months[trends.months.length - 1]} (one mark a month)`,
    ),
  );
  await printTable(
    ctx,
    [
      { header: 'figure', value: (r: ReturnType<typeof trendRows>[number]) => r.figure },
      { header: 'months', value: (r) => r.line },
      { header: 'latest', value: (r) => r.latest, align: 'right' },
    ],
    trendRows(trends),
  );
}
