import { loadMessagingConfig } from '../../core/messaging/messaging.config.js';
import { realMessengers } from '../../core/messaging/messaging.runtime.js';
import { syncMessages } from '../../core/messaging/sync-messages.js';
import { parseDuration } from '../../core/time.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson, printRecord } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  since?: string;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  const sinceHours = parseDuration(flags.since ?? '72h', 'since').as('hours');
  const config = loadMessagingConfig(ctx.config.env);
  const result = await ctx.withServices(async (svc) =>
    syncMessages(svc, realMessengers(config), { sinceHours }),
  );
  if (ctx.json) return printJson(ctx, result);
  await printRecord(ctx, [
    ['checked', result.checked],
    ['updated', result.updated],
    ['e-mails (no fetch API)', result.skipped],
    ['fetch errors', result.failed],
    [
      'opt-out replies',
      `${result.optOutReplies} (${result.optedOut} patient(s), ${result.ownersOptedOut} owner(s) newly opted out)`,
    ],
    [
      'statuses',
      Object.entries(result.byStatus)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || '-',
    ],
  ]);
}
