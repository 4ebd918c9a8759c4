import { terminateContract } from '../../core/contracts/contract.service.js';
import type { CommandContext } from '../_shared/context.js';
import { confirmOrRefuse } from '../_shared/prompts.js';
import { printContract } from './render.js';

export async function run(ctx: CommandContext, [ref]: string[], flags: Record<string, any>): Promise<void> {
  await confirmOrRefuse(ctx, flags.yes, `Terminate contract ${ref}? This cannot be undone.`);
  const contract = await ctx.withDatabase((db) =>
    terminateContract(
      db.em(),
      ctx.clock,
      ref,
      { reason: flags.reason, effective: flags.effective },
      ctx.actor(),
    ),
  );
  if (!ctx.json) ctx.print(`terminated ${contract.number}; last day in force ${contract.terminatedOn}`);
  await printContract(ctx, contract);
}
