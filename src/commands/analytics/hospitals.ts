import { type HospitalScorecard, hospitalScorecards } from '../../core/analytics/hospital-scorecards.js';
import { checkScorecardsFile, writeScorecardsFile } from '../../core/analytics/scorecards-csv.js';
import { formatNaira } from '../../core/money.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson, printTable } from '../_shared/render.js';

type Card = HospitalScorecard;

interface Flags extends GlobalFlags {
  period?: string;
  sort?: string;
  csv?: string;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  if (flags.csv !== undefined) checkScorecardsFile(flags.csv);
  const result = await ctx.withServices((svc) =>
    hospitalScorecards(svc, { period: flags.period, sort: flags.sort }),
  );
  if (flags.csv !== undefined) {
    writeScorecardsFile(flags.csv, result.hospitals);
    ctx.io.stderr.write(
      `wrote ${result.hospitals.length} scorecard(s) for ${result.period} to ${flags.csv}\n`,
    );
  }
  if (ctx.json) return printJson(ctx, result);
  const tty = ctx.io.stdoutIsTTY;
  const money = (kobo: number) => (tty ? formatNaira(BigInt(kobo)) : kobo);
  const rate = (v: number | null) => (v === null ? (tty ? '—' : '') : tty ? `${(v * 100).toFixed(1)}%` : v);
  await printTable<Card>(
    ctx,
    [
      { header: 'hospital', value: (c) => c.hospital },
      { header: tty ? 'revenue' : 'revenue_kobo', value: (c) => money(c.revenueKobo), align: 'right' },
      {
        header: tty ? 'owner share' : 'owner_share_kobo',
        value: (c) => money(c.ownerShareKobo),
        align: 'right',
      },
      { header: tty ? 'top-up' : 'top_up_kobo', value: (c) => money(c.topUpKobo), align: 'right' },
      { header: tty ? 'new pts' : 'new_patients', value: (c) => c.newPatients, align: 'right' },
      { header: tty ? 'active pts' : 'active_patients', value: (c) => c.activePatients, align: 'right' },
      { header: tty ? 'appts' : 'appointments', value: (c) => c.appointments, align: 'right' },
      { header: tty ? 'no-show' : 'no_show_rate', value: (c) => rate(c.noShowRate), align: 'right' },
      {
        header: tty ? 'SMS ok' : 'sms_delivery_rate',
        value: (c) => rate(c.reminderDelivery.sms),
        align: 'right',
      },
      {
        header: tty ? 'WA ok' : 'whatsapp_delivery_rate',
        value: (c) => rate(c.reminderDelivery.whatsapp),
        align: 'right',
      },
      {
        header: tty ? 'email ok' : 'email_delivery_rate',
        value: (c) => rate(c.reminderDelivery.email),
        align: 'right',
      },
      {
        header: tty ? 'rating' : 'average_rating',
        value: (c) =>
          c.averageRating === null ? (tty ? '—' : '') : tty ? c.averageRating.toFixed(2) : c.averageRating,
        align: 'right',
      },
      {
        // A thin sample (under 30 answers) is marked with * beside the score.
        header: tty ? 'NPS (n)' : 'nps',
        value: (c) =>
          tty
            ? c.nps === null
              ? '—'
              : `${c.nps.toFixed(1)}${c.thinSample ? '*' : ''} (${c.npsResponses})`
            : (c.nps ?? ''),
        align: 'right',
      },
      ...(tty
        ? []
        : [{ header: 'nps_responses', value: (c: Card) => c.npsResponses, align: 'right' as const }]),
      { header: tty ? 'alerts' : 'open_alerts', value: (c) => c.openAlerts, align: 'right' },
      { header: tty ? 'overdue' : 'overdue_alerts', value: (c) => c.overdueAlerts, align: 'right' },
    ],
    result.hospitals,
  );
  if (tty && result.hospitals.some((c) => c.thinSample && c.nps !== null))
    ctx.print('* fewer than 30 NPS answers: a thin sample');
}
