import { createContract } from '../../core/contracts/create-contract.js';
import type { CommandContext } from '../_shared/context.js';
import { valueOrPrompt } from '../_shared/prompts.js';
import type { TermsFlags } from './index.js';
import { printContract } from './render.js';

export async function run(ctx: CommandContext, _args: string[], flags: TermsFlags): Promise<void> {
  const input = {
    owner: await valueOrPrompt(ctx, flags.owner, '--owner', 'Owner (id, e-mail or name)'),
    hospital: await valueOrPrompt(ctx, flags.hospital, '--hospital', 'Hospital code'),
    share: await valueOrPrompt(ctx, flags.share, '--share', "Owner's revenue share (%)"),
    guarantee: await valueOrPrompt(ctx, flags.guarantee, '--guarantee', 'Minimum guarantee per period (NGN)'),
    frequency: await valueOrPrompt(
      ctx,
      flags.frequency,
      '--frequency',
      'Payout frequency (monthly, quarterly)',
    ),
    start: await valueOrPrompt(ctx, flags.start, '--start', 'Start date (YYYY-MM-DD)'),
    end: flags.end,
    terms: flags.terms,
    notes: flags.notes,
  };
  const contract = await ctx.withServices((svc) => createContract(svc, input));
  if (!ctx.json)
    ctx.print(
      `created draft contract ${contract.number}; activate it with \`crm contract activate ${contract.number}\``,
    );
  await printContract(ctx, contract);
}
