import { expirePoints } from '../../core/loyalty/expire-points.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { intFlag } from '../_shared/flags.js';
import { confirmFromDatabase } from '../_shared/prompts.js';
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
  const result = await ctx.withServices(async (svc) => {
    // The figures are the dry run's, in the same session as the expiry itself.
    if (!flags.dryRun)
      await confirmFromDatabase(ctx, flags.yes, svc, async (read) => {
        const would = await expirePoints(read, { ...input, dryRun: true });
        const notices = notifyDays ? ` and queue ${would.notices} expiry notice(s)` : '';
        return {
          action: `expire ${would.points} points of ${would.patients} patient(s) (${would.lots} lot(s) earned more than ${ctx.config.loyalty.expiryMonths} months before ${would.asOf})${notices}`,
          note: 'Expired points cannot be given back except by an adjustment.',
        };
      });
    return expirePoints(svc, input);
  });
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
