import { listTemplates } from '../../core/messaging/template.queries.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson, printTable } from '../_shared/render.js';

export async function run(ctx: CommandContext): Promise<void> {
  const rows = await ctx.withServices((svc) => listTemplates(svc));
  if (ctx.json) return printJson(ctx, rows);
  await printTable(
    ctx,
    [
      { header: 'key', value: (r) => r.key },
      { header: 'language', value: (r) => r.language },
      { header: 'content sid', value: (r) => r.content_sid },
      { header: 'body', value: (r) => r.body },
    ],
    rows,
  );
}
