import { loadMessagingConfig, rehearsalDryRunReason } from '../../core/messaging/messaging.config.js';
import { realMessengers } from '../../core/messaging/messaging.runtime.js';
import { type OwnerMessageResult, sendOwnerMessage } from '../../core/messaging/owner-message.service.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson, printRecord } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  channel: string;
  subject?: string;
  body: string;
  dryRun?: boolean;
  /** Send for real even while CRM_NOW is set. */
  live?: boolean;
}

export async function run(ctx: CommandContext, [owner]: string[], flags: Flags): Promise<void> {
  const config = loadMessagingConfig(ctx.config.env);
  const rehearsal = rehearsalDryRunReason(config, Boolean(ctx.config.fixedNow), Boolean(flags.live));
  if (rehearsal && !flags.dryRun) ctx.warn(rehearsal);
  const dryRun = Boolean(flags.dryRun) || rehearsal !== undefined;
  const print = async (r: OwnerMessageResult) => {
    if (ctx.json) return printJson(ctx, r);
    await printRecord(ctx, [
      ['to', `${r.to} (${r.channel})`],
      ['status', r.status],
      ['segments', r.segments],
      ['error', r.errorCode],
      ['message', r.messageId],
    ]);
  };
  try {
    const input = { owner, channel: flags.channel, subject: flags.subject, body: flags.body };
    const result = await ctx.withServices((svc) =>
      sendOwnerMessage(svc, input, dryRun ? undefined : realMessengers(config)),
    );
    await print(result);
  } catch (error) {
    const partial = (error as { result?: OwnerMessageResult }).result;
    if (partial) await print(partial);
    throw error;
  }
}
