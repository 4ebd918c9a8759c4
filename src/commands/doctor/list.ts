import { listDoctors } from '../../core/doctors/doctor.queries.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson, printTable } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  hospital?: string;
  department?: string;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  const doctors = await ctx.withServices((svc) =>
    listDoctors(svc, { hospital: flags.hospital, department: flags.department }),
  );
  if (ctx.json) return printJson(ctx, doctors);
  await printTable(
    ctx,
    [
      { header: 'code', value: (d) => d.code },
      { header: 'name', value: (d) => d.name, shrink: true },
      { header: 'department', value: (d) => d.department },
      { header: 'hospital', value: (d) => d.hospital },
      { header: 'windows', value: (d) => d.windows, align: 'right' },
    ],
    doctors,
  );
}
