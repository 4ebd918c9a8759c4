import { ValidationError } from '../../core/errors.js';
import { CHANNELS, type Channel } from '../../core/patients/patient.entity.js';
import { addPatient } from '../../core/patients/patient.service.js';
import type { CommandContext } from '../_shared/context.js';
import { canPrompt, valueOrPrompt } from '../_shared/prompts.js';
import { printPatient } from './render.js';

export async function run(
  ctx: CommandContext,
  _args: string[],
  flags: Record<string, string>,
): Promise<void> {
  const firstName = await valueOrPrompt(ctx, flags.firstName, '--first-name', 'First name');
  const lastName = await valueOrPrompt(ctx, flags.lastName, '--last-name', 'Last name');
  let phone = flags.phone;
  if (!phone && !flags.email && canPrompt(ctx))
    phone = await valueOrPrompt(ctx, undefined, '--phone', 'Phone');
  const consent: Partial<Record<Channel, boolean>> = {};
  for (const c of (flags.consent ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (!(CHANNELS as readonly string[]).includes(c))
      throw new ValidationError('consent', c, 'not a channel (sms, whatsapp, email)');
    consent[c as Channel] = true;
  }
  const patient = await ctx.withDatabase((db) =>
    addPatient(
      db.em(),
      ctx.clock,
      {
        firstName,
        lastName,
        phone,
        email: flags.email,
        dateOfBirth: flags.dob,
        gender: flags.gender,
        hospital: flags.hospital,
        externalId: flags.externalId,
        address: flags.address,
        preferredChannel: flags.channel,
        language: flags.language,
        referredBy: flags.referredBy,
        consent,
      },
      ctx.actor(),
    ),
  );
  if (!ctx.json) ctx.print(`added patient ${patient.id}`);
  await printPatient(ctx, patient);
}
