import { mergePatients } from '../../core/patients/merge-patients.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { confirmOrRefuse } from '../_shared/prompts.js';
import { printJson } from '../_shared/render.js';

export async function run(
  ctx: CommandContext,
  [keep, duplicate]: string[],
  flags: GlobalFlags,
): Promise<void> {
  await confirmOrRefuse(ctx, flags.yes, {
    action: `merge patient ${duplicate} into ${keep}`,
    note: `Its appointments, messages and referrals move to ${keep} and its record is deleted.`,
  });
  const result = await ctx.withServices((svc) => mergePatients(svc, keep, duplicate));
  if (ctx.json) return printJson(ctx, result);
  const moved = Object.entries(result.moved)
    .map(([table, n]) => `${n} ${table}`)
    .join(', ');
  ctx.print(`merged ${result.merged} into ${result.patient.id} (moved ${moved})`);
}
