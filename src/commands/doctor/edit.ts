import { editDoctor } from '../../core/doctors/edit-doctor.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';
import { printDoctor } from './render.js';

interface Flags extends GlobalFlags {
  name?: string;
  department?: string;
  hospital?: string;
}

export async function run(ctx: CommandContext, [ref]: string[], flags: Flags): Promise<void> {
  const result = await ctx.withServices((svc) =>
    editDoctor(svc, ref, { name: flags.name, department: flags.department, hospital: flags.hospital }),
  );
  if (ctx.json) return printJson(ctx, result);
  ctx.print(result.changed.length === 0 ? 'nothing changed' : `changed ${result.changed.join(', ')}`);
  await printDoctor(ctx, result.doctor);
}
