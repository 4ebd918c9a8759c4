import { type AuditListFilters, listAudit } from '../../core/audit/list-audit.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson, printTable } from '../_shared/render.js';

interface Flags extends GlobalFlags, AuditListFilters {}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  const rows = await ctx.withServices((svc) =>
    listAudit(svc, {
      since: flags.since,
      operator: flags.operator,
      entity: flags.entity,
      limit: flags.limit,
    }),
  );
  if (ctx.json) return printJson(ctx, { entries: rows });
  await printTable(
    ctx,
    [
      { header: 'at', value: (r) => r.at },
      { header: 'operator', value: (r) => r.operator },
      { header: 'entity', value: (r) => (r.entityId ? `${r.entity} ${r.entityId}` : r.entity) },
      { header: 'summary', value: (r) => JSON.stringify(r.summary), shrink: true },
      { header: 'command', value: (r) => r.command, shrink: true, drop: 1 },
    ],
    rows,
  );
}
