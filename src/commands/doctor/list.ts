import { listDoctors } from '../../core/doctors/doctor.service.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson, printTable } from '../_shared/render.js';

export async function run(
  ctx: CommandContext,
  _args: string[],
  flags: Record<string, string>,
): Promise<void> {
  const doctors = await ctx.withDatabase((db) =>
    listDoctors(db.em(), { hospital: flags.hospital, department: flags.department }),
  );
  if (ctx.json) return printJson(ctx, doctors);
  await printTable(
    ctx,
    [
      { header: 'code', value: (d) => d.code },
      { header: 'name', value: (d) => d.name },
      { header: 'department', value: (d) => d.department },
      { header: 'hospital', value: (d) => d.hospital },
      { header: 'windows', value: (d) => d.windows, align: 'right' },
    ],
    doctors,
  );
}
