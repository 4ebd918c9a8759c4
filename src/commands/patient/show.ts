import { showPatient } from '../../core/patients/patient.queries.js';
import type { CommandContext } from '../_shared/context.js';
import { printPatient } from './render.js';

export async function run(ctx: CommandContext, [ref]: string[]): Promise<void> {
  const patient = await ctx.withServices((svc) => showPatient(svc, ref));
  await printPatient(ctx, patient);
}
