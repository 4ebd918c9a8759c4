import { listHospitals } from '../../core/hospitals/list-hospitals.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson, printTable } from '../_shared/render.js';

export async function run(ctx: CommandContext): Promise<void> {
  const hospitals = await ctx.withReader(listHospitals);
  if (ctx.json) return printJson(ctx, hospitals);
  await printTable(
    ctx,
    [
      { header: 'code', value: (h) => h.code },
      { header: 'name', value: (h) => h.name },
      { header: 'city', value: (h) => h.city },
      { header: 'state', value: (h) => h.state },
      { header: 'patients', value: (h) => h.patients, align: 'right' },
    ],
    hospitals,
  );
}
