import { setTemplate } from '../../core/messaging/set-template.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  language: string;
  body: string;
  subject?: string;
  contentSid?: string;
}

export async function run(ctx: CommandContext, [key]: string[], flags: Flags): Promise<void> {
  const input = {
    key,
    language: flags.language,
    body: flags.body,
    subject: flags.subject,
    contentSid: flags.contentSid,
  };
  const saved = await ctx.withServices((svc) => setTemplate(svc, input));
  if (ctx.json) return printJson(ctx, saved);
  ctx.print(`saved template ${saved.key} (${saved.language})`);
}
