import { showHospital } from '../../core/hospitals/hospital.queries.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson, printRecord } from '../_shared/render.js';

export async function run(ctx: CommandContext, [ref]: string[]): Promise<void> {
  const hospital = await ctx.withServices((svc) => showHospital(svc, ref));
  if (ctx.json) return printJson(ctx, hospital);
  await printRecord(ctx, [
    ['code', hospital.code],
    ['name', hospital.name],
    ['state', hospital.state],
    ['city', hospital.city],
    ['address', hospital.address],
    ['manager e-mail', hospital.managerEmail],
    ['id', hospital.id],
  ]);
}
