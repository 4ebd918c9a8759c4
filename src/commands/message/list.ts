import { listMessages } from '../../core/messaging/message.service.js';
import type { CommandContext } from '../_shared/context.js';
import { intFlag } from '../_shared/flags.js';
import { printJson, printTable } from '../_shared/render.js';

export async function run(ctx: CommandContext, _args: string[], flags: Record<string, any>): Promise<void> {
  const messages = await ctx.withDatabase((db) =>
    listMessages(db.em(), {
      status: flags.status,
      purpose: flags.purpose,
      channel: flags.channel,
      limit: intFlag(flags.limit, '--limit', { min: 1 }),
    }),
  );
  if (ctx.json) return printJson(ctx, messages);
  await printTable(
    ctx,
    [
      { header: 'created', value: (m) => m.createdAt },
      { header: 'channel', value: (m) => m.channel },
      { header: 'to', value: (m) => m.recipient },
      { header: 'purpose', value: (m) => m.purpose },
      { header: 'status', value: (m) => m.status },
      { header: 'error', value: (m) => m.errorCode },
      { header: 'tries', value: (m) => m.attempts, align: 'right' },
      { header: 'id', value: (m) => m.id },
    ],
    messages,
  );
}
