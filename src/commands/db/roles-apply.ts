import { applyRoles } from '../../core/access/roles.js';
import { UsageError } from '../../core/errors.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';

export async function run(ctx: CommandContext): Promise<void> {
  const applied = await ctx.withServices(async (svc, db) => {
    if (db.kind !== 'postgresql')
      throw new UsageError(
        'roles and logins need PostgreSQL (DATABASE_URL): the embedded database has one user',
      );
    return applyRoles(svc.em);
  });
  if (ctx.json) return printJson(ctx, applied);
  ctx.print(`applied the grants of ${applied.groups.join(', ')} on ${applied.tables} tables`);
}
