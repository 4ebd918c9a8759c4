import { retentionCohorts } from '../../core/analytics/cohorts.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson, printTable } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  from?: string;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  const result = await ctx.withServices((svc) => retentionCohorts(svc, { from: flags.from }));
  if (ctx.json) return printJson(ctx, result);
  const tty = ctx.io.stdoutIsTTY;
  const width = Math.max(0, ...result.cohorts.map((c) => c.retention.length));
  const share = (v: number | undefined) => (v === undefined ? '' : tty ? `${Math.round(v * 100)}%` : v);
  await printTable(
    ctx,
    [
      { header: tty ? 'first visit' : 'cohort', value: (c) => c.month },
      { header: 'patients', value: (c) => c.patients, align: 'right' },
      ...Array.from({ length: width }, (_, i) => ({
        header: `+${i + 1}`,
        value: (c: (typeof result.cohorts)[number]) => share(c.retention[i]),
        align: 'right' as const,
      })),
    ],
    result.cohorts,
  );
  if (!tty || result.campaignEffect.length === 0) return; // piped: the effect is in --json
  const rate = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
  ctx.print('');
  ctx.print('Campaign effect: appointments booked within 30 days of the send, sent vs held out');
  await printTable(
    ctx,
    [
      { header: 'campaign', value: (e) => e.campaign },
      { header: 'started', value: (e) => e.startedAt.slice(0, 10) },
      { header: 'sent to', value: (e) => e.recipients.patients, align: 'right' },
      {
        header: 'booked',
        value: (e) => `${e.recipients.booked} (${rate(e.recipients.bookingRate)})`,
        align: 'right',
      },
      { header: 'held out', value: (e) => e.holdout.patients, align: 'right' },
      {
        header: 'booked',
        value: (e) => `${e.holdout.booked} (${rate(e.holdout.bookingRate)})`,
        align: 'right',
      },
      {
        header: 'lift',
        value: (e) =>
          e.lift === null ? '—' : `${e.lift >= 0 ? '+' : '−'}${(Math.abs(e.lift) * 100).toFixed(1)} pts`,
        align: 'right',
      },
    ],
    result.campaignEffect,
  );
}
