import { listAlerts } from '../../core/feedback/feedback.queries.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';
import { printAlertTable } from './render.js';

interface Flags extends GlobalFlags {
  status?: string;
  overdue?: boolean;
  hospital?: string;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  const input = { status: flags.status, overdue: Boolean(flags.overdue), hospital: flags.hospital };
  const alerts = await ctx.withServices((svc) => listAlerts(svc, input));
  if (ctx.json) return printJson(ctx, alerts);
  await printAlertTable(ctx, alerts);
}
