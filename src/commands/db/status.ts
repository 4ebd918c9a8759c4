import { pendingMigrations } from '../../core/db/database.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson, printRecord } from '../_shared/render.js';

export async function run(ctx: CommandContext): Promise<void> {
  const status = await ctx.withDatabase(
    async (db) => {
      const executed = (await db.orm.getMigrator().getExecutedMigrations()).map((m) => m.name);
      return {
        database: db.kind,
        location: db.kind === 'embedded' ? ctx.config.dataDir : 'DATABASE_URL',
        applied: executed,
        pending: await pendingMigrations(db.orm),
      };
    },
    { migrate: 'never' },
  );
  if (ctx.json) return printJson(ctx, status);
  await printRecord(ctx, [
    ['database', status.database],
    ['location', status.location],
    ['applied', status.applied.length],
    ['pending', status.pending.length ? status.pending.join(', ') : 'none'],
  ]);
  if (status.pending.length) ctx.print('run `crm db migrate` to apply the pending migrations');
}
