import { logOwnerContact } from '../../core/owners/log-communication.js';
import { parseDateTime } from '../../core/time.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  channel: string;
  summary: string;
  subject?: string;
  direction?: string;
  /** Repeatable: every --attachment given. */
  attachment?: string[];
  at?: string;
}

export async function run(ctx: CommandContext, [owner]: string[], flags: Flags): Promise<void> {
  const at = flags.at ? parseDateTime(flags.at, '--at').toISO()! : undefined;
  const input = {
    owner,
    channel: flags.channel,
    summary: flags.summary,
    subject: flags.subject,
    direction: flags.direction,
    attachments: flags.attachment,
    at,
  };
  const entry = await ctx.withServices((svc) => logOwnerContact(svc, input));
  if (ctx.json) return printJson(ctx, entry);
  ctx.print(`logged ${entry.channel} with owner at ${entry.occurredAt}`);
}
