import { listRewards } from '../../core/loyalty/reward.queries.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson, printTable } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  all?: boolean;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  const rewards = await ctx.withServices((svc) => listRewards(svc, { all: flags.all }));
  if (ctx.json) return printJson(ctx, rewards);
  await printTable(
    ctx,
    [
      { header: 'code', value: (r) => r.code },
      { header: 'name', value: (r) => r.name },
      { header: 'cost', value: (r) => r.cost, align: 'right' },
      { header: 'min tier', value: (r) => r.minTier },
      { header: 'stock', value: (r) => r.stock ?? 'unlimited', align: 'right' },
      { header: 'status', value: (r) => (r.disabled ? 'disabled' : 'active') },
    ],
    rewards,
  );
}
