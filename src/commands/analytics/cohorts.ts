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
}
