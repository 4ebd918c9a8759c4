/**
 * The dashboard as one self-contained HTML file (`crm analytics dashboard --html FILE`, and the
 * report `crm demo` ends with): the dashboard's figures, month-by-month charts and the hospital
 * scorecards. Charts are rendered here, on the server, to SVG strings with Apache ECharts' SSR
 * mode, and written inline with the CSS: the file has no script and loads nothing when opened,
 * so it can be mailed or archived and still reads the same. ECharts is imported only when a
 * report is made, so no other command pays for loading it.
 *
 * For other code (crm demo):
 *
 *   const { file, dashboard } = await writeDashboardReport(ctx, 'report.html', { period: '2026-11' });
 *
 * writes the report of a period (default: the current Lagos month) for the network, or one
 * hospital with `hospital: 'LAG-001'`, to `file` (0600, written whole or not at all), and returns
 * the dashboard it shows.
 */
import type { ServiceContext } from '../context.js';
import { formatNaira } from '../money.js';
import { checkOutputFile, placeFile, writePrivateTemp } from '../output-files.js';
import { toIsoLagos } from '../time.js';
import { analyticsDashboard, type Dashboard } from './dashboard.js';
import { dashboardAreas, shownChange, shownValue } from './dashboard-lines.js';
import { dashboardTrends, type ReportTrends, TREND_MONTHS } from './dashboard-trends.js';
import { type HospitalScorecard, hospitalScorecards } from './hospital-scorecards.js';
import {
  campaignChart,
  npsChart,
  outcomesChart,
  type ReportChart,
  revenueChart,
  tierChart,
  topUpChart,
} from './report-charts.js';

export interface DashboardReportInput {
  /** `YYYY-MM` or `YYYY-Qn`; default the current Lagos month. */
  period?: string;
  /** Hospital code or id; default the whole network. */
  hospital?: string;
}

export interface DashboardReport {
  dashboard: Dashboard;
  scorecards: HospitalScorecard[];
  trends: ReportTrends;
  /** When the report was made (ISO 8601, Lagos). */
  generatedAt: string;
}

/** Checks `--html FILE` before any work: exit 3 naming the option when it cannot be written. */
export const checkReportFile = (file: string, option = '--html') =>
  checkOutputFile(file, option, { atomic: true });

/** Writes the report (see the top of this file); returns the file and the dashboard shown. */
export async function writeDashboardReport(
  ctx: ServiceContext,
  file: string,
  input: DashboardReportInput = {},
): Promise<{ file: string; dashboard: Dashboard; trends: ReportTrends }> {
  checkReportFile(file);
  const report = await buildDashboardReport(ctx, input);
  const html = await renderDashboardHtml(report);
  const tmp = `${file}.${process.pid}.tmp`;
  writePrivateTemp(tmp, html, '--html', file);
  placeFile(tmp, file);
  return { file, dashboard: report.dashboard, trends: report.trends };
}

/** Everything the report shows, from the database. */
export async function buildDashboardReport(
  ctx: ServiceContext,
  input: DashboardReportInput,
): Promise<DashboardReport> {
  const dashboard = await analyticsDashboard(ctx, input);
  const cards = await hospitalScorecards(ctx, { period: dashboard.period });
  const scorecards = dashboard.hospital
    ? cards.hospitals.filter((c) => c.hospital === dashboard.hospital)
    : cards.hospitals;
  const trends = await dashboardTrends(ctx, dashboard);
  return { dashboard, scorecards, trends, generatedAt: toIsoLagos(ctx.clock.now()) };
}

/** The report's charts, in the order the page shows them. */
export function reportCharts(r: DashboardReport): ReportChart[] {
  return [
    revenueChart(r.trends),
    topUpChart(r.trends),
    npsChart(r.trends),
    tierChart(r.dashboard.loyalty.tiers),
    outcomesChart(r.trends),
    campaignChart(r.trends),
  ];
}

/** Each chart as an SVG string, rendered by ECharts' server-side renderer (loaded here, lazily). */
export async function renderCharts(charts: ReportChart[]): Promise<string[]> {
  const echarts = await import('echarts');
  return charts.map((c) => {
    const instance = echarts.init(null, null, {
      renderer: 'svg',
      ssr: true,
      width: c.width,
      height: c.height,
    });
    try {
      instance.setOption(c.option);
      return instance.renderToSVGString();
    } finally {
      instance.dispose();
    }
  });
}

/** Text for HTML: the five characters that could open markup or end an attribute, escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export async function renderDashboardHtml(r: DashboardReport): Promise<string> {
  const d = r.dashboard;
  const e = escapeHtml;
  const charts = reportCharts(r);
  const svgs = await renderCharts(charts);
  const title = `${d.hospital ?? 'All hospitals'} — ${d.period}`;
  const areas = dashboardAreas(d)
    .map(
      ([area, lines]) => `<section class="area"><h3>${e(area)}</h3><table>
<thead><tr><th>figure</th><th>${e(d.period)}</th><th>${e(d.previousPeriod)}</th><th>change</th></tr></thead>
<tbody>${lines
        .map((l) => {
          const change = shownChange(l);
          const cls = change.startsWith('▲') ? 'up' : change.startsWith('▼') ? 'down' : '';
          return `<tr><td>${e(l.label)}</td><td class="n">${e(shownValue(l, 'value'))}</td><td class="n">${e(shownValue(l, 'previous'))}</td><td class="n ${cls}">${e(change)}</td></tr>`;
        })
        .join('\n')}</tbody></table></section>`,
    )
    .join('\n');
  const figures = charts
    .map(
      (c, i) => `<figure class="chart" data-chart="${e(c.id)}" data-series="${e(c.series.join('|'))}">
<figcaption>${e(c.title)}</figcaption>
${svgs[i]}
</figure>`,
    )
    .join('\n');
  const rate = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
  const rows = r.scorecards
    .map(
      (c) =>
        `<tr><td>${e(c.hospital)}</td><td>${e(c.name)}</td><td class="n">${e(formatNaira(BigInt(c.revenueKobo)))}</td><td class="n">${e(formatNaira(BigInt(c.ownerShareKobo)))}</td><td class="n">${e(formatNaira(BigInt(c.topUpKobo)))}</td><td class="n">${c.newPatients}</td><td class="n">${c.activePatients}</td><td class="n">${c.appointments}</td><td class="n">${rate(c.noShowRate)}</td><td class="n">${rate(c.reminderDelivery.sms)}</td><td class="n">${rate(c.reminderDelivery.whatsapp)}</td><td class="n">${rate(c.reminderDelivery.email)}</td><td class="n">${c.averageRating === null ? '—' : c.averageRating.toFixed(2)}</td><td class="n">${c.nps === null ? '—' : `${c.nps.toFixed(1)}${c.thinSample ? '*' : ''}`} (${c.npsResponses})</td><td class="n">${c.openAlerts}</td><td class="n">${c.overdueAlerts}</td></tr>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${e(`crm dashboard — ${title}`)}</title>
<style>
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 2rem; color: #1d2330; background: #fff; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; } h2 { font-size: 1.2rem; margin: 2rem 0 .75rem; border-bottom: 1px solid #d8dce3; padding-bottom: .25rem; }
h3 { font-size: 1rem; margin: 0 0 .4rem; } .meta { color: #5b6475; margin: 0; }
.areas { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 1rem; }
.area { border: 1px solid #e3e6eb; border-radius: 6px; padding: .75rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { padding: .2rem .45rem; text-align: left; border-bottom: 1px solid #eef0f3; }
th { color: #5b6475; font-weight: 600; } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.up { color: #2b7a48; } td.down { color: #b0303e; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(580px, 1fr)); gap: 1rem; }
figure.chart { margin: 0; border: 1px solid #e3e6eb; border-radius: 6px; padding: .5rem; }
figcaption { font-weight: 600; margin-bottom: .25rem; } figure.chart svg { max-width: 100%; height: auto; }
.scorecards { overflow-x: auto; } .note { color: #5b6475; font-size: .85rem; }
</style>
</head>
<body>
<header>
<h1>${e(title)}</h1>
<p class="meta">against ${e(d.previousPeriod)} · made ${e(r.generatedAt)} by crm analytics dashboard</p>
</header>
<h2>Figures</h2>
<div class="areas">
${areas}
</div>
<h2>Trends over ${TREND_MONTHS} months to ${e(r.trends.months.at(-1) ?? d.period)}</h2>
<div class="charts">
${figures}
</div>
<h2>Hospital scorecards, ${e(d.period)}</h2>
<div class="scorecards"><table id="scorecards">
<thead><tr><th>hospital</th><th>name</th><th class="n">revenue</th><th class="n">owner share</th><th class="n">top-up</th><th class="n">new patients</th><th class="n">active patients</th><th class="n">appointments</th><th class="n">no-show</th><th class="n">SMS ok</th><th class="n">WhatsApp ok</th><th class="n">e-mail ok</th><th class="n">rating</th><th class="n">NPS (answers)</th><th class="n">open alerts</th><th class="n">overdue</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>
<p class="note">* fewer than 30 NPS answers: a thin sample. Alerts and loyalty tiers are as they stand now; every other figure is for the period. Money in naira; revenue is payments less refunds.</p>
</body>
</html>
`;
}
