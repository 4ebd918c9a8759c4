import { analyticsDashboard, type Dashboard } from '../../core/analytics/dashboard.js';
import {
  type DashboardLine,
  dashboardAreas,
  shownChange,
  shownValue,
} from '../../core/analytics/dashboard-lines.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { colour, printJson, printTable } from '../_shared/render.js';

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
  const dashboard = await ctx.withServices(async (svc) => {
    if (!report) return analyticsDashboard(svc, input);
    const written = await report.writeDashboardReport(svc, flags.html!, input);
    ctx.io.stderr.write(`wrote the ${written.dashboard.period} report to ${written.file}\n`);
    return written.dashboard;
  });
  if (ctx.json) return printJson(ctx, dashboard);
  await printDashboard(ctx, dashboard);
}

export async function printDashboard(ctx: CommandContext, d: Dashboard): Promise<void> {
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
}
