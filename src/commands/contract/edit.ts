import { editContract } from '../../core/contracts/contract.service.js';
import type { CommandContext } from '../_shared/context.js';
import { printContract } from './render.js';

export async function run(
  ctx: CommandContext,
  [ref]: string[],
  flags: Record<string, string>,
): Promise<void> {
  const { owner, hospital, share, guarantee, frequency, terms, start, end, notes } = flags;
  const contract = await ctx.withDatabase((db) =>
    editContract(
      db.em(),
      ctx.clock,
      ref,
      { owner, hospital, share, guarantee, frequency, terms, start, end, notes },
      ctx.actor(),
    ),
  );
  if (!ctx.json) ctx.print(`updated draft contract ${contract.number}`);
  await printContract(ctx, contract);
}
