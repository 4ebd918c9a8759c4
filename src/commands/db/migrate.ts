import { applyMigrations, migrationsPending } from '../../core/db/database.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';

export async function run(ctx: CommandContext): Promise<void> {
  // The Migrator (its modules and catalog queries) only when something is pending: a database
  // already up to date, such as a new one restored from the package's image, is told so at once.
  const applied = await ctx.withDatabase(
    async (db) => ((await migrationsPending(db)) ? applyMigrations(db.orm) : []),
    { migrate: 'never' },
  );
  if (ctx.json) return printJson(ctx, { applied });
  ctx.print(
    applied.length
      ? `applied ${applied.length} migration(s): ${applied.join(', ')}`
      : 'the database is up to date',
  );
}
