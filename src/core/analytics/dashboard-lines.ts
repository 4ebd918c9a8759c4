/**
 * The dashboard as labelled lines in areas, in the order people read them: the terminal table,
 * the piped TSV and the HTML report all show these same lines, so a figure added here appears
 * in all three.
 */
import { formatNaira } from '../money.js';
import type { Figure } from './analytics-period.js';
import type { Dashboard } from './dashboard.js';

export type LineFormat = 'count' | 'naira' | 'percent' | 'rating' | 'score';

export interface DashboardLine {
  label: string;
  /** A figure beside its previous period, or a plain number that stands now. */
  figure: Figure | number;
  format: LineFormat;
}

export type DashboardArea = [title: string, lines: DashboardLine[]];

export function dashboardAreas(d: Dashboard): DashboardArea[] {
  return [
    [
      'Patients',
      [
        { label: 'registered', figure: d.patients.total, format: 'count' },
        { label: 'new', figure: d.patients.new, format: 'count' },
      ],
    ],
    [
      'Appointments',
      [
        { label: 'upcoming', figure: d.appointments.upcoming, format: 'count' },
        { label: 'completed', figure: d.appointments.completed, format: 'count' },
        { label: 'no-shows', figure: d.appointments.noShows, format: 'count' },
        { label: 'no-show rate', figure: d.appointments.noShowRate, format: 'percent' },
      ],
    ],
    [
      'Contracts',
      [
        { label: 'in force', figure: d.contracts.active, format: 'count' },
        { label: 'ending within 60 days', figure: d.contracts.expiringIn60Days, format: 'count' },
      ],
    ],
    [
      'Payouts',
      [
        { label: 'net to owners', figure: d.payouts.netKobo, format: 'naira' },
        { label: 'guarantee top-ups', figure: d.payouts.topUpKobo, format: 'naira' },
        ...d.payouts.byStatus.map((s) => ({
          label: `${s.status} (${s.count})`,
          figure: s.netKobo,
          format: 'naira' as const,
        })),
      ],
    ],
    [
      'Reminders',
      [
        { label: 'delivery rate', figure: d.reminders.deliveryRate, format: 'percent' },
        ...d.reminders.byChannel.map((c) => ({
          label: `${c.channel} (${formatLine('count', c.delivered)} of ${formatLine('count', c.delivered + c.failed)})`,
          figure: c.deliveryRate,
          format: 'percent' as const,
        })),
      ],
    ],
    [
      'Patient feedback',
      [
        { label: 'responses', figure: d.feedback.responses, format: 'count' },
        { label: 'average rating (1–5)', figure: d.feedback.averageRating, format: 'rating' },
        {
          label: d.feedback.thinSample ? 'NPS (thin sample, under 30 answers)' : 'NPS',
          figure: d.feedback.nps,
          format: 'score',
        },
        { label: 'NPS answers', figure: d.feedback.npsResponses, format: 'count' },
        { label: 'alerts not resolved (now)', figure: d.feedback.openAlerts, format: 'count' },
        { label: 'alerts overdue (now)', figure: d.feedback.overdueAlerts, format: 'count' },
      ],
    ],
    [
      'Loyalty',
      [
        { label: 'points outstanding', figure: d.loyalty.pointsOutstanding, format: 'count' },
        ...Object.entries(d.loyalty.tiers).map(([tier, members]) => ({
          label: `${tier} members (now)`,
          figure: members,
          format: 'count' as const,
        })),
      ],
    ],
    [
      'Campaigns',
      [
        { label: 'messages sent', figure: d.campaigns.sent, format: 'count' },
        { label: 'confirmed delivered', figure: d.campaigns.delivered, format: 'count' },
        { label: 'failed', figure: d.campaigns.failed, format: 'count' },
        { label: 'delivery rate', figure: d.campaigns.deliveryRate, format: 'percent' },
      ],
    ],
    [
      'Owner satisfaction',
      [
        { label: 'average rating (1–5)', figure: d.ownerSatisfaction.averageRating, format: 'rating' },
        { label: 'ratings', figure: d.ownerSatisfaction.responses, format: 'count' },
      ],
    ],
  ];
}

export function formatLine(format: LineFormat, v: number): string {
  switch (format) {
    case 'count':
      return v.toLocaleString('en-NG');
    case 'naira':
      return formatNaira(BigInt(v));
    case 'percent':
      return `${(v * 100).toFixed(1)}%`;
    case 'rating':
      return v.toFixed(2);
    case 'score':
      return v.toFixed(1);
  }
}

/** A line's value or previous value for people: `—` when not defined, empty for a number that stands now. */
export function shownValue(line: DashboardLine, which: 'value' | 'previous'): string {
  if (typeof line.figure === 'number') return which === 'value' ? formatLine(line.format, line.figure) : '';
  const v = line.figure[which];
  return v === null ? '—' : formatLine(line.format, v);
}

/** The change for people: `▲ +3`, `▼ −₦5.00`; rates in percentage points. Empty when undefined. */
export function shownChange(line: DashboardLine): string {
  if (typeof line.figure === 'number' || line.figure.change === null) return '';
  const c = line.figure.change;
  const sign = c > 0 ? '▲ +' : c < 0 ? '▼ −' : '';
  const magnitude = Math.abs(c);
  return `${sign}${line.format === 'percent' ? `${(magnitude * 100).toFixed(1)} pts` : formatLine(line.format, magnitude)}`;
}
