import { applyMigrations } from '../../core/db/database.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';

export async function run(ctx: CommandContext): Promise<void> {
  const applied = await ctx.withDatabase((db) => applyMigrations(db.orm), { migrate: 'never' });
  if (ctx.json) return printJson(ctx, { applied });
  ctx.print(
    applied.length
      ? `applied ${applied.length} migration(s): ${applied.join(', ')}`
      : 'the database is up to date',
  );
}
