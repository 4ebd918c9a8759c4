import { patientJourney } from '../../core/analytics/patient-journey.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { colour, printJson, printTable } from '../_shared/render.js';

export async function run(ctx: CommandContext, args: string[], _flags: GlobalFlags): Promise<void> {
  const journey = await ctx.withServices((svc) => patientJourney(svc, args[0]));
  if (ctx.json) return printJson(ctx, journey);
  if (ctx.io.stdoutIsTTY) {
    const chalk = await colour(ctx);
    ctx.print(chalk.bold(`${journey.patient.name} — ${journey.events.length} event(s)`));
  }
  await printTable(
    ctx,
    [
      { header: 'at', value: (e) => (ctx.io.stdoutIsTTY ? e.at.slice(0, 16).replace('T', ' ') : e.at) },
      { header: 'event', value: (e) => e.kind },
      { header: 'ref', value: (e) => e.ref ?? '' },
      { header: 'status', value: (e) => e.status ?? '' },
      { header: 'detail', value: (e) => e.detail ?? '' },
    ],
    journey.events,
  );
}
