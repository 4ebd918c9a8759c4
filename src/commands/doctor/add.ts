import { addDoctor } from '../../core/doctors/doctor.service.js';
import type { CommandContext } from '../_shared/context.js';
import { printDoctor } from './render.js';

export async function run(
  ctx: CommandContext,
  _args: string[],
  flags: Record<string, string>,
): Promise<void> {
  const doctor = await ctx.withDatabase((db) =>
    addDoctor(
      db.em(),
      { hospital: flags.hospital, name: flags.name, department: flags.department, code: flags.code },
      ctx.actor(),
    ),
  );
  if (!ctx.json) ctx.print(`added doctor ${doctor.code} (${doctor.name})`);
  await printDoctor(ctx, doctor);
}
