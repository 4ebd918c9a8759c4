import { listSuggestions } from '../../core/feedback/feedback.queries.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';
import { printSuggestionTable } from './render.js';

interface Flags extends GlobalFlags {
  hospital?: string;
  status?: string;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  const rows = await ctx.withServices((svc) =>
    listSuggestions(svc, { hospital: flags.hospital, status: flags.status }),
  );
  if (ctx.json) return printJson(ctx, rows);
  await printSuggestionTable(ctx, rows);
}
