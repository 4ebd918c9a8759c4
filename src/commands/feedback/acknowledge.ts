import { acknowledgeAlert } from '../../core/feedback/acknowledge-alert.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';
import { printAlert } from './render.js';

export async function run(ctx: CommandContext, [ref]: string[]): Promise<void> {
  const alert = await ctx.withServices((svc) => acknowledgeAlert(svc, ref));
  if (ctx.json) return printJson(ctx, alert);
  await printAlert(ctx, alert);
}
