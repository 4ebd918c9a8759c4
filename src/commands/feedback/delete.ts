import { deleteFeedback } from '../../core/feedback/delete-feedback.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson, printRecord } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  reason?: string;
}

export async function run(ctx: CommandContext, [ref]: string[], flags: Flags): Promise<void> {
  const deleted = await ctx.withServices((svc) => deleteFeedback(svc, ref, flags.reason));
  if (ctx.json) return printJson(ctx, deleted);
  await printRecord(ctx, [
    ['deleted', deleted.code],
    ['at', deleted.deletedAt],
    ['by', deleted.deletedBy],
    ['reason', deleted.reason],
  ]);
}
