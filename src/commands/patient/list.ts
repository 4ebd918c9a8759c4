import { listPatients } from '../../core/patients/list-patients.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { intFlag } from '../_shared/flags.js';
import { printJson, printTable } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  hospital?: string;
  inactiveDays?: string;
  limit?: string;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  const input = {
    hospital: flags.hospital,
    inactiveDays: intFlag(flags.inactiveDays, '--inactive-days'),
    limit: intFlag(flags.limit, '--limit', { min: 1 }),
  };
  const patients = await ctx.withReader((read) => listPatients(read, ctx.clock, input));
  if (ctx.json) return printJson(ctx, patients);
  await printTable(
    ctx,
    [
      { header: 'name', value: (p) => `${p.firstName} ${p.lastName}`, shrink: true },
      { header: 'phone', value: (p) => p.phone },
      { header: 'hospital', value: (p) => p.hospital },
      { header: 'MRN', value: (p) => p.externalId },
      { header: 'channel', value: (p) => p.preferredChannel, drop: 2 },
      { header: 'last visit', value: (p) => p.lastVisitAt?.slice(0, 10) },
      { header: 'id', value: (p) => p.id, drop: 9 },
    ],
    patients,
  );
}
