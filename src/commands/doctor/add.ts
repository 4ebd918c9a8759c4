import { addDoctor } from '../../core/doctors/add-doctor.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printDoctor } from './render.js';

interface Flags extends GlobalFlags {
  hospital: string;
  name: string;
  department: string;
  code?: string;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  const doctor = await ctx.withServices((svc) =>
    addDoctor(svc, {
      hospital: flags.hospital,
      name: flags.name,
      department: flags.department,
      code: flags.code,
    }),
  );
  if (!ctx.json) ctx.print(`added doctor ${doctor.code} (${doctor.name})`);
  await printDoctor(ctx, doctor);
}
