import type { Figure } from '../../core/analytics/analytics-period.js';
import { analyticsDashboard, type Dashboard } from '../../core/analytics/dashboard.js';
import { formatNaira } from '../../core/money.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { colour, printJson, printTable } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  period?: string;
  hospital?: string;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  const dashboard = await ctx.withServices((svc) =>
    analyticsDashboard(svc, { period: flags.period, hospital: flags.hospital }),
  );
  if (ctx.json) return printJson(ctx, dashboard);
  await printDashboard(ctx, dashboard);
}

type Format = (value: number) => string;
const count: Format = (v) => v.toLocaleString('en-NG');
const naira: Format = (v) => formatNaira(BigInt(v));
const percent: Format = (v) => `${(v * 100).toFixed(1)}%`;
const rating: Format = (v) => v.toFixed(2);

interface Line {
  label: string;
  figure: Figure | number;
  format: Format;
  /** The change as percentage points, for rates. */
  points?: boolean;
}

export async function printDashboard(ctx: CommandContext, d: Dashboard): Promise<void> {
  const chalk = await colour(ctx);
  const groups: [string, Line[]][] = [
    [
      'Patients',
      [
        { label: 'registered', figure: d.patients.total, format: count },
        { label: 'new', figure: d.patients.new, format: count },
      ],
    ],
    [
      'Appointments',
      [
        { label: 'upcoming', figure: d.appointments.upcoming, format: count },
        { label: 'completed', figure: d.appointments.completed, format: count },
        { label: 'no-shows', figure: d.appointments.noShows, format: count },
        { label: 'no-show rate', figure: d.appointments.noShowRate, format: percent, points: true },
      ],
    ],
    [
      'Contracts',
      [
        { label: 'in force', figure: d.contracts.active, format: count },
        { label: 'ending within 60 days', figure: d.contracts.expiringIn60Days, format: count },
      ],
    ],
    [
      'Payouts',
      [
        { label: 'net to owners', figure: d.payouts.netKobo, format: naira },
        { label: 'guarantee top-ups', figure: d.payouts.topUpKobo, format: naira },
        ...d.payouts.byStatus.map((s) => ({
          label: `${s.status} (${s.count})`,
          figure: s.netKobo,
          format: naira,
        })),
      ],
    ],
    [
      'Reminders',
      [
        { label: 'delivery rate', figure: d.reminders.deliveryRate, format: percent, points: true },
        ...d.reminders.byChannel.map((c) => ({
          label: `${c.channel} (${count(c.delivered)} of ${count(c.delivered + c.failed)})`,
          figure: c.deliveryRate,
          format: percent,
          points: true,
        })),
      ],
    ],
    [
      'Owner satisfaction',
      [
        { label: 'average rating (1–5)', figure: d.ownerSatisfaction.averageRating, format: rating },
        { label: 'ratings', figure: d.ownerSatisfaction.responses, format: count },
      ],
    ],
  ];
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
        { header: 'figure', value: (l: Line) => l.label },
        { header: d.period, value: (l) => shown(l, 'value'), align: 'right' },
        { header: d.previousPeriod, value: (l) => shown(l, 'previous'), align: 'right' },
        { header: 'change', value: (l) => change(l), align: 'right' },
      ],
      lines,
    );
  }
}

function shown(line: Line, which: 'value' | 'previous'): string {
  if (typeof line.figure === 'number') return which === 'value' ? line.format(line.figure) : '';
  const v = line.figure[which];
  return v === null ? '—' : line.format(v);
}

function change(line: Line): string {
  if (typeof line.figure === 'number' || line.figure.change === null) return '';
  const c = line.figure.change;
  const sign = c > 0 ? '▲ +' : c < 0 ? '▼ −' : '';
  const magnitude = Math.abs(c);
  return `${sign}${line.points ? `${(magnitude * 100).toFixed(1)} pts` : line.format(magnitude)}`;
}
