import { syncMessages } from '../../core/messaging/message.service.js';
import { loadMessagingConfig } from '../../core/messaging/messaging.config.js';
import { realMessengers } from '../../core/messaging/messaging.runtime.js';
import { parseDuration } from '../../core/time.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson, printRecord } from '../_shared/render.js';

export async function run(ctx: CommandContext, _args: string[], flags: Record<string, any>): Promise<void> {
  const sinceHours = parseDuration(flags.since ?? '72h', 'since').as('hours');
  const config = loadMessagingConfig(ctx.config.env);
  const result = await ctx.withDatabase(async (db) =>
    syncMessages(db.em(), await realMessengers(config)(['sms', 'whatsapp']), ctx.clock, { sinceHours }),
  );
  if (ctx.json) return printJson(ctx, result);
  await printRecord(ctx, [
    ['checked', result.checked],
    ['updated', result.updated],
    ['e-mails (no fetch API)', result.skipped],
    ['fetch errors', result.failed],
    [
      'statuses',
      Object.entries(result.byStatus)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || '-',
    ],
  ]);
}
