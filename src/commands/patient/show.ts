import { findPatient } from '../../core/patients/patient.service.js';
import type { CommandContext } from '../_shared/context.js';
import { printPatient } from './render.js';

export async function run(ctx: CommandContext, [ref]: string[]): Promise<void> {
  const patient = await ctx.withDatabase((db) => findPatient(db.em(), ref));
  await printPatient(ctx, patient);
}
