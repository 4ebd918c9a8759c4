import { editHospital } from '../../core/hospitals/edit-hospital.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  name?: string;
  state?: string;
  city?: string;
  address?: string;
  managerEmail?: string;
}

export async function run(ctx: CommandContext, [ref]: string[], flags: Flags): Promise<void> {
  const result = await ctx.withServices((svc) =>
    editHospital(svc, ref, {
      name: flags.name,
      state: flags.state,
      city: flags.city,
      address: flags.address,
      managerEmail: flags.managerEmail,
    }),
  );
  if (ctx.json) return printJson(ctx, result);
  const { hospital, changed } = result;
  ctx.print(
    changed.length === 0
      ? `hospital ${hospital.code}: nothing changed`
      : `hospital ${hospital.code}: changed ${changed.join(', ')}`,
  );
}
