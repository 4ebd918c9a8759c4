import { terminateContract } from '../../core/contracts/terminate-contract.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { confirmOrRefuse } from '../_shared/prompts.js';
import { printContract } from './render.js';

interface Flags extends GlobalFlags {
  reason: string;
  effective?: string;
}

export async function run(ctx: CommandContext, [ref]: string[], flags: Flags): Promise<void> {
  await confirmOrRefuse(ctx, flags.yes, {
    action: `terminate contract ${ref}`,
    note: 'This cannot be undone.',
  });
  const contract = await ctx.withServices((svc) =>
    terminateContract(svc, ref, { reason: flags.reason, effective: flags.effective }),
  );
  if (!ctx.json) ctx.print(`terminated ${contract.number}; last day in force ${contract.terminatedOn}`);
  await printContract(ctx, contract);
}
