import { activateContract } from '../../core/contracts/activate-contract.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';

export async function run(ctx: CommandContext, [ref]: string[]): Promise<void> {
  const contract = await ctx.withServices((svc) => activateContract(svc, ref));
  if (ctx.json) return printJson(ctx, contract);
  ctx.print(
    contract.status === 'expired'
      ? `activated ${contract.number}; its end date ${contract.endDate} has passed, so it is expired (payouts of its periods can still run)`
      : `activated ${contract.number} with ${contract.milestones} review milestones`,
  );
}
