import { resolveAlert } from '../../core/feedback/resolve-alert.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';
import { printAlert } from './render.js';

interface Flags extends GlobalFlags {
  note?: string;
}

export async function run(ctx: CommandContext, [ref]: string[], flags: Flags): Promise<void> {
  const alert = await ctx.withServices((svc) => resolveAlert(svc, ref, flags.note));
  if (ctx.json) return printJson(ctx, alert);
  await printAlert(ctx, alert);
}
