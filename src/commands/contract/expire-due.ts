import { expireDueContracts } from '../../core/contracts/expire-due-contracts.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';

export async function run(ctx: CommandContext): Promise<void> {
  const result = await ctx.withServices((svc) => expireDueContracts(svc));
  if (ctx.json) return printJson(ctx, result);
  ctx.print(result.expired.length === 0 ? 'no contract to expire' : `expired ${result.expired.join(', ')}`);
}
