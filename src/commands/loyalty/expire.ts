import { expirePoints } from '../../core/loyalty/expire-points.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { intFlag } from '../_shared/flags.js';
import { confirmOrRefuse } from '../_shared/prompts.js';
import { printJson } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  asOf?: string;
  notifyDays?: string;
  notify?: boolean;
  dryRun?: boolean;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  const notifyDays =
    intFlag(flags.notifyDays, '--notify-days', { min: 1 }) ??
    (flags.notify ? ctx.config.loyalty.notifyDays : undefined);
  const input = { asOf: flags.asOf, notifyDays, dryRun: flags.dryRun };
  if (!flags.dryRun)
    await confirmOrRefuse(ctx, flags.yes, `Expire loyalty points as of ${flags.asOf ?? 'now'}?`);
  const result = await ctx.withServices((svc) => expirePoints(svc, input));
  if (ctx.json) return printJson(ctx, result);
  const verb = result.dryRun ? 'would expire' : 'expired';
  ctx.print(
    `${verb} ${result.points} points of ${result.patients} patients (${result.lots} lots) as of ${result.asOf}`,
  );
  if (notifyDays)
    ctx.print(
      `${result.dryRun ? 'would notice' : 'queued notices for'} ${result.notices} patient expiry dates`,
    );
}
