import { recordFeedback } from '../../core/feedback/record-feedback.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';
import { printFeedback } from './render.js';

interface Flags extends GlobalFlags {
  appointment?: string;
  hospital?: string;
  rating?: string;
  category?: string[];
  nps?: string;
  comment?: string;
  suggestion?: string;
}

export async function run(ctx: CommandContext, [patient]: string[], flags: Flags): Promise<void> {
  const input = {
    patient,
    appointment: flags.appointment,
    hospital: flags.hospital,
    rating: flags.rating ?? '',
    categories: flags.category,
    nps: flags.nps,
    comment: flags.comment,
    suggestion: flags.suggestion,
  };
  const feedback = await ctx.withServices((svc) => recordFeedback(svc, input));
  if (ctx.json) return printJson(ctx, feedback);
  await printFeedback(ctx, feedback);
  // On a terminal only: --json carries loyaltyPoints for scripts.
  if (ctx.io.stdoutIsTTY)
    ctx.print(
      feedback.loyaltyPoints > 0
        ? `+${feedback.loyaltyPoints} loyalty points`
        : 'no loyalty points: feedback already earned them for this appointment or today',
    );
  if (feedback.alert && !feedback.alert.emailQueued)
    ctx.warn(
      `alert ${feedback.alert.code} is open, but hospital ${feedback.hospital} has no manager e-mail: nobody was e-mailed (crm feedback alerts)`,
    );
}
