import type { CommandContext } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';

/** Stops the embedded database's service of the data folder, if one is running. */
export async function run(ctx: CommandContext): Promise<void> {
  if (ctx.config.databaseUrl) {
    if (ctx.json) return printJson(ctx, { stopped: false, reason: 'postgresql' });
    ctx.print('DATABASE_URL is set: there is no embedded database service to stop');
    return;
  }
  const { stopService } = await import('../../core/db/embedded-service-client.js');
  const stopped = await stopService(ctx.config.dataDir);
  if (ctx.json) return printJson(ctx, { stopped: Boolean(stopped), pid: stopped?.pid ?? null });
  ctx.print(
    stopped
      ? `stopped the embedded database service of ${ctx.config.dataDir} (pid ${stopped.pid})`
      : `no embedded database service is running for ${ctx.config.dataDir}`,
  );
}
