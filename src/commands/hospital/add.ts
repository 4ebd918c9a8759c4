import { addHospital } from '../../core/hospitals/hospital.service.js';
import type { CommandContext } from '../_shared/context.js';
import { valueOrPrompt } from '../_shared/prompts.js';
import { printJson } from '../_shared/render.js';

export async function run(
  ctx: CommandContext,
  _args: string[],
  flags: Record<string, string>,
): Promise<void> {
  const input = {
    code: await valueOrPrompt(ctx, flags.code, '--code', 'Hospital code (e.g. LAG-001)'),
    name: await valueOrPrompt(ctx, flags.name, '--name', 'Hospital name'),
    state: await valueOrPrompt(ctx, flags.state, '--state', 'State'),
    city: await valueOrPrompt(ctx, flags.city, '--city', 'City'),
    address: flags.address,
    managerEmail: flags.managerEmail,
  };
  const hospital = await ctx.withDatabase((db) => addHospital(db.em(), input, ctx.actor()));
  if (ctx.json) return printJson(ctx, hospital);
  ctx.print(`added hospital ${hospital.code} (${hospital.name})`);
}
