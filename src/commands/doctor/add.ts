import { addDoctor } from '../../core/doctors/add-doctor.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { requireFlags, valueOrPrompt } from '../_shared/prompts.js';
import { printDoctor } from './render.js';

interface Flags extends GlobalFlags {
  hospital?: string;
  name?: string;
  department?: string;
  code?: string;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  // Off a terminal every missing flag in one message (exit 2); on one, asked for.
  requireFlags(ctx, [
    [flags.hospital, '--hospital'],
    [flags.name, '--name'],
    [flags.department, '--department'],
  ]);
  const input = {
    hospital: await valueOrPrompt(ctx, flags.hospital, '--hospital', 'Hospital code (e.g. LAG-001)'),
    name: await valueOrPrompt(ctx, flags.name, '--name', 'Full name'),
    department: await valueOrPrompt(ctx, flags.department, '--department', 'Department (e.g. cardiology)'),
    code: flags.code,
  };
  const doctor = await ctx.withServices((svc) => addDoctor(svc, input));
  if (!ctx.json) ctx.print(`added doctor ${doctor.code} (${doctor.name})`);
  await printDoctor(ctx, doctor);
}
