import { editPatient } from '../../core/patients/edit-patient.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson } from '../_shared/render.js';
import { printPatient } from './render.js';

interface Flags extends GlobalFlags {
  firstName?: string;
  lastName?: string;
  phone?: string;
  email?: string;
  dob?: string;
  gender?: string;
  hospital?: string;
  externalId?: string;
  address?: string;
  channel?: string;
  language?: string;
}

export async function run(ctx: CommandContext, [ref]: string[], flags: Flags): Promise<void> {
  const result = await ctx.withServices((svc) =>
    editPatient(svc, ref, {
      firstName: flags.firstName,
      lastName: flags.lastName,
      phone: flags.phone,
      email: flags.email,
      dateOfBirth: flags.dob,
      gender: flags.gender,
      hospital: flags.hospital,
      externalId: flags.externalId,
      address: flags.address,
      preferredChannel: flags.channel,
      language: flags.language,
    }),
  );
  if (ctx.json) return printJson(ctx, result);
  ctx.print(result.changed.length === 0 ? 'nothing changed' : `changed ${result.changed.join(', ')}`);
  await printPatient(ctx, result.patient);
}
