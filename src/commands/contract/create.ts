import { FREQUENCIES } from '../../core/contracts/contract.entity.js';
import { createContract } from '../../core/contracts/create-contract.js';
import { parseNaira, parsePercentToBasisPoints } from '../../core/money.js';
import { requireCalendarDate } from '../../core/time.js';
import type { CommandContext } from '../_shared/context.js';
import { acceptedBy, requireFlags, valueOrPrompt } from '../_shared/prompts.js';
import type { TermsFlags } from './index.js';
import { printContract } from './render.js';

export async function run(ctx: CommandContext, _args: string[], flags: TermsFlags): Promise<void> {
  // Off a terminal, every missing flag in one message; on one, each answer is checked as it is
  // typed by the parser the contract applies, so a bad share is asked again, not fatal.
  requireFlags(ctx, [
    [flags.owner, '--owner'],
    [flags.hospital, '--hospital'],
    [flags.share, '--share'],
    [flags.guarantee, '--guarantee'],
    [flags.frequency, '--frequency'],
    [flags.start, '--start'],
  ]);
  const input = {
    owner: await valueOrPrompt(ctx, flags.owner, '--owner', 'Owner (id, e-mail or name)'),
    hospital: await valueOrPrompt(ctx, flags.hospital, '--hospital', 'Hospital code'),
    share: await valueOrPrompt(ctx, flags.share, '--share', "Owner's revenue share (%)", {
      validate: acceptedBy((v) => parsePercentToBasisPoints(v, 'share')),
    }),
    guarantee: await valueOrPrompt(
      ctx,
      flags.guarantee,
      '--guarantee',
      'Minimum guarantee per period (NGN)',
      {
        validate: acceptedBy((v) => parseNaira(v, 'guarantee')),
      },
    ),
    frequency: await valueOrPrompt(ctx, flags.frequency, '--frequency', 'Payout frequency', {
      choices: FREQUENCIES,
    }),
    start: await valueOrPrompt(ctx, flags.start, '--start', 'Start date (YYYY-MM-DD)', {
      validate: acceptedBy((v) => requireCalendarDate(v, 'start')),
    }),
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
