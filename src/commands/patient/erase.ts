import { erasePatient } from '../../core/patients/erase-patient.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { confirmOrRefuse } from '../_shared/prompts.js';
import { printJson } from '../_shared/render.js';

export async function run(ctx: CommandContext, [ref]: string[], flags: GlobalFlags): Promise<void> {
  await confirmOrRefuse(ctx, flags.yes, {
    action: `erase the personal data of patient ${ref}`,
    note: `This cannot be undone (appointments and payouts are kept, without the person).`,
  });
  const result = await ctx.withServices((svc) => erasePatient(svc, ref));
  if (ctx.json) return printJson(ctx, result);
  ctx.print(
    `erased patient ${result.patient.id} (${result.messagesAnonymised} message(s) anonymised); appointments and payouts are kept`,
  );
}
