import { showTransaction } from '../../core/transactions/transaction.queries.js';
import type { CommandContext } from '../_shared/context.js';
import { printTransaction } from './render.js';

export async function run(ctx: CommandContext, [reference]: string[]): Promise<void> {
  const t = await ctx.withServices((svc) => showTransaction(svc, reference));
  await printTransaction(ctx, t);
}
