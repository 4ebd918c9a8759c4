import { logOwnerContact } from '../../core/owners/owner.service.js';
import { parseDateTime } from '../../core/time.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';

export async function run(ctx: CommandContext, [owner]: string[], flags: Record<string, any>): Promise<void> {
  const at = flags.at ? parseDateTime(flags.at, '--at').toISO()! : undefined;
  const entry = await ctx.withDatabase((db) =>
    logOwnerContact(
      db.em(),
      ctx.clock,
      {
        owner,
        channel: flags.channel,
        summary: flags.summary,
        subject: flags.subject,
        direction: flags.direction,
        attachments: flags.attachment,
        at,
      },
      ctx.actor(),
    ),
  );
  if (ctx.json) return printJson(ctx, entry);
  ctx.print(`logged ${entry.channel} with owner at ${entry.occurredAt}`);
}
