import { setSuggestionStatus } from '../../core/feedback/set-suggestion-status.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';
import { printSuggestionTable } from './render.js';

interface Flags extends GlobalFlags {
  note?: string;
}

export async function run(ctx: CommandContext, [ref, status]: string[], flags: Flags): Promise<void> {
  const suggestion = await ctx.withServices((svc) => setSuggestionStatus(svc, ref, status, flags.note));
  if (ctx.json) return printJson(ctx, suggestion);
  await printSuggestionTable(ctx, [suggestion]);
}
