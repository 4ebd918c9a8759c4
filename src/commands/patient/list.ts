import { listPatients } from '../../core/patients/patient.service.js';
import type { CommandContext } from '../_shared/context.js';
import { intFlag } from '../_shared/flags.js';
import { printJson, printTable } from '../_shared/render.js';

export async function run(
  ctx: CommandContext,
  _args: string[],
  flags: Record<string, string>,
): Promise<void> {
  const input = {
    hospital: flags.hospital,
    inactiveDays: intFlag(flags.inactiveDays, '--inactive-days'),
    limit: intFlag(flags.limit, '--limit', { min: 1 }),
  };
  const patients = await ctx.withDatabase((db) => listPatients(db.em(), ctx.clock, input));
  if (ctx.json) return printJson(ctx, patients);
  await printTable(
    ctx,
    [
      { header: 'name', value: (p) => `${p.firstName} ${p.lastName}` },
      { header: 'phone', value: (p) => p.phone },
      { header: 'hospital', value: (p) => p.hospital },
      { header: 'MRN', value: (p) => p.externalId },
      { header: 'channel', value: (p) => p.preferredChannel },
      { header: 'last visit', value: (p) => p.lastVisitAt?.slice(0, 10) },
      { header: 'id', value: (p) => p.id },
    ],
    patients,
  );
}
