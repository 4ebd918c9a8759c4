import { listMessages } from '../../core/messaging/message.queries.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { intFlag } from '../_shared/flags.js';
import { printJson, printTable } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  status?: string;
  purpose?: string;
  channel?: string;
  limit?: string;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  const input = {
    status: flags.status,
    purpose: flags.purpose,
    channel: flags.channel,
    limit: intFlag(flags.limit, '--limit', { min: 1 }),
  };
  const messages = await ctx.withServices((svc) => listMessages(svc, input));
  if (ctx.json) return printJson(ctx, messages);
  await printTable(
    ctx,
    [
      { header: 'created', value: (m) => m.createdAt },
      { header: 'channel', value: (m) => m.channel },
      { header: 'to', value: (m) => m.recipient },
      { header: 'purpose', value: (m) => m.purpose },
      { header: 'status', value: (m) => m.status },
      { header: 'error', value: (m) => m.errorCode, shrink: true },
      { header: 'tries', value: (m) => m.attempts, align: 'right' },
      { header: 'id', value: (m) => m.id, drop: 9 },
    ],
    messages,
  );
}
