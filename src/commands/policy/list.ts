import { listPolicy } from '../../core/access/policy.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson, printTable } from '../_shared/render.js';

export async function run(ctx: CommandContext): Promise<void> {
  const rows = await ctx.withServices((svc) => listPolicy(svc));
  if (ctx.json) return printJson(ctx, { policy: rows });
  await printTable(
    ctx,
    [
      { header: 'setting', value: (r) => r.setting },
      { header: 'value', value: (r) => r.value, align: 'right' },
      { header: 'changed', value: (r) => r.changedAt },
      { header: 'by', value: (r) => r.changedBy },
    ],
    rows,
  );
}
