import { addHospital } from '../../core/hospitals/add-hospital.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { valueOrPrompt } from '../_shared/prompts.js';
import { printJson } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  code?: string;
  name?: string;
  state?: string;
  city?: string;
  address?: string;
  managerEmail?: string;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  const input = {
    code: await valueOrPrompt(ctx, flags.code, '--code', 'Hospital code (e.g. LAG-001)'),
    name: await valueOrPrompt(ctx, flags.name, '--name', 'Hospital name'),
    state: await valueOrPrompt(ctx, flags.state, '--state', 'State'),
    city: await valueOrPrompt(ctx, flags.city, '--city', 'City'),
    address: flags.address,
    managerEmail: flags.managerEmail,
  };
  const hospital = await ctx.withServices((svc) => addHospital(svc, input));
  if (ctx.json) return printJson(ctx, hospital);
  ctx.print(`added hospital ${hospital.code} (${hospital.name})`);
}
