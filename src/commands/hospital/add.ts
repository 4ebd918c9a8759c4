import { addHospital, HOSPITAL_CODE } from '../../core/hospitals/add-hospital.js';
import { canonicalState, NIGERIAN_STATES } from '../../core/hospitals/nigerian-states.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { optionalValueOrPrompt, requireFlags, valueOrPrompt } from '../_shared/prompts.js';
import { printJson } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  code?: string;
  name?: string;
  state?: string;
  city?: string;
  address?: string;
  managerEmail?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  // Off a terminal, every missing flag in one message; on one, each answer is checked as typed
  // (the same rules addHospital applies), so a bad answer is asked again and nothing is lost.
  requireFlags(ctx, [
    [flags.code, '--code'],
    [flags.name, '--name'],
    [flags.state, '--state'],
    [flags.city, '--city'],
  ]);
  const asked = flags.code === undefined;
  const input = {
    code: await valueOrPrompt(ctx, flags.code, '--code', 'Hospital code (e.g. LAG-001)', {
      validate: (v) =>
        HOSPITAL_CODE.test(v.toUpperCase()) ? true : 'use letters, digits and dashes, e.g. LAG-001',
    }),
    name: await valueOrPrompt(ctx, flags.name, '--name', 'Hospital name'),
    state: await valueOrPrompt(ctx, flags.state, '--state', 'State', {
      choices: NIGERIAN_STATES,
      alias: canonicalState,
    }),
    city: await valueOrPrompt(ctx, flags.city, '--city', 'City'),
    address: asked
      ? await optionalValueOrPrompt(ctx, flags.address, 'Street address (optional)')
      : flags.address,
    managerEmail: asked
      ? await optionalValueOrPrompt(
          ctx,
          flags.managerEmail,
          "Service manager's e-mail for feedback alerts (optional)",
          (v) => (EMAIL.test(v) ? true : 'not an e-mail address'),
        )
      : flags.managerEmail,
  };
  const hospital = await ctx.withServices((svc) => addHospital(svc, input));
  if (ctx.json) return printJson(ctx, hospital);
  ctx.print(`added hospital ${hospital.code} (${hospital.name})`);
}
