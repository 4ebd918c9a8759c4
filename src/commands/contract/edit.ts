import { editContract } from '../../core/contracts/edit-contract.js';
import type { CommandContext } from '../_shared/context.js';
import type { TermsFlags } from './index.js';
import { printContract } from './render.js';

export async function run(ctx: CommandContext, [ref]: string[], flags: TermsFlags): Promise<void> {
  const { owner, hospital, share, guarantee, frequency, terms, start, end, notes } = flags;
  const contract = await ctx.withServices((svc) =>
    editContract(svc, ref, { owner, hospital, share, guarantee, frequency, terms, start, end, notes }),
  );
  if (!ctx.json) ctx.print(`updated draft contract ${contract.number}`);
  await printContract(ctx, contract);
}
