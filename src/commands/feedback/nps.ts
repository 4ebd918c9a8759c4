import { feedbackNps } from '../../core/feedback/feedback-nps.js';
import { THIN_SAMPLE_BELOW } from '../../core/feedback/nps.calculator.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson, printTable } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  hospital?: string;
  period?: string;
  by?: string;
}

const fixed = (v: number | null, digits = 2) => (v === null ? '–' : v.toFixed(digits));

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  const report = await ctx.withServices((svc) =>
    feedbackNps(svc, { hospital: flags.hospital, period: flags.period, by: flags.by }),
  );
  if (ctx.json) return printJson(ctx, report);
  await printTable(
    ctx,
    [
      { header: report.by === 'all' ? 'group' : report.by, value: (g) => g.key ?? '(none)' },
      { header: 'name', value: (g) => (g.label === g.key ? '' : g.label) },
      { header: 'NPS', value: (g) => (g.nps === null ? 'no answers' : fixed(g.nps, 1)), align: 'right' },
      { header: 'sample', value: (g) => (g.thinSample ? 'THIN' : '') },
      { header: 'answers', value: (g) => g.npsResponses, align: 'right' },
      { header: 'prom', value: (g) => g.promoters, align: 'right' },
      { header: 'pass', value: (g) => g.passives, align: 'right' },
      { header: 'detr', value: (g) => g.detractors, align: 'right' },
      { header: 'responses', value: (g) => g.responses, align: 'right' },
      { header: 'rating', value: (g) => fixed(g.averageRating), align: 'right' },
      { header: 'doctor', value: (g) => fixed(g.categories.doctor), align: 'right' },
      { header: 'nursing', value: (g) => fixed(g.categories.nursing), align: 'right' },
      { header: 'wait', value: (g) => fixed(g.categories.wait_time), align: 'right' },
      { header: 'clean', value: (g) => fixed(g.categories.cleanliness), align: 'right' },
      { header: 'billing', value: (g) => fixed(g.categories.billing), align: 'right' },
      { header: 'facil', value: (g) => fixed(g.categories.facilities), align: 'right' },
    ],
    report.groups,
  );
  if (ctx.io.stdoutIsTTY && report.groups.some((g) => g.thinSample))
    ctx.print(`THIN: fewer than ${THIN_SAMPLE_BELOW} NPS answers; the score may mislead`);
}
