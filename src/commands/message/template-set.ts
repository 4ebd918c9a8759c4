import { saveTemplate } from '../../core/messaging/template.service.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';

export async function run(ctx: CommandContext, [key]: string[], flags: Record<string, any>): Promise<void> {
  const saved = await ctx.withDatabase((db) =>
    saveTemplate(
      db.em(),
      {
        key,
        language: flags.language,
        body: flags.body,
        subject: flags.subject,
        contentSid: flags.contentSid,
      },
      ctx.actor(),
    ),
  );
  if (ctx.json) return printJson(ctx, saved);
  ctx.print(`saved template ${saved.key} (${saved.language})`);
}
