import { listOwners } from '../../core/owners/owner.queries.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson, printTable } from '../_shared/render.js';

export async function run(ctx: CommandContext): Promise<void> {
  const owners = await ctx.withServices((svc) => listOwners(svc));
  if (ctx.json) return printJson(ctx, owners);
  await printTable(
    ctx,
    [
      { header: 'name', value: (o) => o.name, shrink: true },
      { header: 'e-mail', value: (o) => o.email },
      { header: 'tax', value: (o) => o.taxType },
      { header: 'bank', value: (o) => `${o.bankCode} ${o.accountNumber}` },
      { header: 'active contracts', value: (o) => o.activeContracts, align: 'right' },
      { header: 'id', value: (o) => o.id, drop: 9 },
    ],
    owners,
  );
}
