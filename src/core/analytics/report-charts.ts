/**
 * The HTML report's charts as Apache ECharts options: plain data in, an option object out, so
 * each chart can be read (and tested) without rendering it. html-report.ts renders them to SVG
 * strings on the server. Animation is off (an SVG string is one frame) and each chart has a
 * legend naming its series, which the browser test reads back.
 */
import type { ReportTrends } from './dashboard-trends.js';

/** ECharts' option object; typed loosely here so the package loads only when a report is made. */
export type ChartOption = Record<string, unknown>;

export interface ReportChart {
  /** Stable id, the figure's `data-chart` attribute. */
  id: string;
  title: string;
  /** Series names in order, as the legend shows them. */
  series: string[];
  option: ChartOption;
  width: number;
  height: number;
}

const COLOURS = ['#2f6db5', '#e07b39', '#3a9e5c', '#c23b4a', '#8561c5', '#7a7a7a'];
const WIDTH = 560;
const HEIGHT = 300;
const naira = (kobo: number) => Math.round(kobo) / 100;

function base(categories: string[], yName: string): ChartOption {
  return {
    animation: false,
    color: COLOURS,
    // ECharts lays text out by its own estimate of the font's widths (no canvas on the server):
    // plain sans-serif and wide legend gaps keep the browser's real text from overlapping.
    textStyle: { fontFamily: 'sans-serif' },
    grid: { left: 70, right: 50, top: 30, bottom: 60 },
    legend: { bottom: 0, itemGap: 30 },
    xAxis: { type: 'category', data: categories },
    yAxis: { type: 'value', name: yName },
  };
}

function chart(id: string, title: string, option: ChartOption): ReportChart {
  const series = (option.series as { name: string }[]).map((s) => s.name);
  return { id, title, series, option, width: WIDTH, height: HEIGHT };
}

export function revenueChart(t: ReportTrends): ReportChart {
  return chart('revenue', 'Revenue and payouts to owners by month (₦)', {
    ...base(t.months, '₦'),
    series: [
      { name: 'Net revenue', type: 'bar', data: t.money.map((m) => naira(m.revenueKobo)) },
      { name: 'Net paid to owners', type: 'bar', data: t.money.map((m) => naira(m.netKobo)) },
    ],
  });
}

export function topUpChart(t: ReportTrends): ReportChart {
  return chart('top-ups', 'Guarantee top-ups by month (₦)', {
    ...base(t.months, '₦'),
    series: [{ name: 'Guarantee top-ups', type: 'bar', data: t.money.map((m) => naira(m.topUpKobo)) }],
  });
}

export function npsChart(t: ReportTrends): ReportChart {
  return chart('nps', 'Net Promoter Score by month', {
    ...base(t.months, 'NPS'),
    yAxis: [
      { type: 'value', name: 'NPS', min: -100, max: 100 },
      { type: 'value', name: 'answers', minInterval: 1 },
    ],
    series: [
      // A month without NPS answers has no score: a gap in the line, not a zero.
      { name: 'NPS', type: 'line', data: t.nps.map((m) => m.nps ?? '-'), connectNulls: false },
      { name: 'NPS answers', type: 'bar', yAxisIndex: 1, data: t.nps.map((m) => m.npsResponses) },
    ],
  });
}

export function tierChart(tiers: Record<string, number>): ReportChart {
  return chart('tiers', 'Loyalty members by tier (now)', {
    ...base(Object.keys(tiers), 'members'),
    series: [{ name: 'Members', type: 'bar', data: Object.values(tiers) }],
  });
}

export function outcomesChart(t: ReportTrends): ReportChart {
  return chart('appointments', 'Appointment outcomes by month', {
    ...base(t.months, 'appointments'),
    series: [
      { name: 'Completed', type: 'bar', stack: 'o', data: t.outcomes.map((m) => m.completed) },
      { name: 'No-show', type: 'bar', stack: 'o', data: t.outcomes.map((m) => m.noShows) },
      { name: 'Cancelled', type: 'bar', stack: 'o', data: t.outcomes.map((m) => m.cancelled) },
    ],
  });
}

export function campaignChart(t: ReportTrends): ReportChart {
  return chart('campaigns', 'Campaign messages by month', {
    ...base(t.months, 'messages'),
    series: [
      { name: 'Sent (accepted)', type: 'bar', data: t.campaigns.map((m) => m.sent) },
      { name: 'Confirmed delivered', type: 'bar', data: t.campaigns.map((m) => m.delivered) },
      { name: 'Failed', type: 'bar', data: t.campaigns.map((m) => m.failed) },
    ],
  });
}
