import { pendingMigrations } from '../../core/db/database.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson, printRecord } from '../_shared/render.js';

/** The embedded database's service: whether it runs, since when, its pid and resident memory. */
async function serviceStatus(dataDir: string) {
  const { runningService } = await import('../../core/db/embedded-service-client.js');
  const { residentBytes } = await import('../../core/db/embedded-service-files.js');
  const { DateTime } = await import('luxon');
  const info = runningService(dataDir);
  return {
    running: Boolean(info),
    since: info ? DateTime.fromISO(info.since).setZone('Africa/Lagos').toISO() : null,
    pid: info?.pid ?? null,
    rssBytes: info ? (residentBytes(info.pid) ?? null) : null,
  };
}

export async function run(ctx: CommandContext): Promise<void> {
  const status = await ctx.withDatabase(
    async (db) => {
      const executed = (await db.orm.getMigrator().getExecutedMigrations()).map((m) => m.name);
      return {
        database: db.kind,
        location: db.kind === 'embedded' ? ctx.config.dataDir : 'DATABASE_URL',
        applied: executed,
        pending: await pendingMigrations(db.orm),
        service:
          db.kind === 'embedded' && ctx.config.embeddedService
            ? await serviceStatus(ctx.config.dataDir)
            : null,
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
    ...(status.service
      ? ([
          ['service', status.service.running ? 'running' : 'not running'],
          ['since', status.service.since ?? ''],
          ['pid', status.service.pid ?? ''],
          ['memory', status.service.rssBytes ? `${Math.round(status.service.rssBytes / 1024 ** 2)} MB` : ''],
        ] as [string, string | number][])
      : []),
  ]);
  if (status.pending.length) ctx.print('run `crm db migrate` to apply the pending migrations');
}
