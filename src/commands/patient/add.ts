import { ValidationError } from '../../core/errors.js';
import { addPatient } from '../../core/patients/add-patient.js';
import { CHANNELS, type Channel } from '../../core/patients/patient.entity.js';
import { normalizePhone } from '../../core/phone.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { canPrompt, optionalValueOrPrompt, requireFlags, valueOrPrompt } from '../_shared/prompts.js';
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
  referredBy?: string;
  /** Marketing consent, comma-separated channels. */
  consent?: string;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  // Off a terminal, every missing name in one message; on one, the phone and e-mail are checked
  // as typed (a bad answer is asked again, nothing typed before is lost).
  requireFlags(ctx, [
    [flags.firstName, '--first-name'],
    [flags.lastName, '--last-name'],
  ]);
  const firstName = await valueOrPrompt(ctx, flags.firstName, '--first-name', 'First name');
  const lastName = await valueOrPrompt(ctx, flags.lastName, '--last-name', 'Last name');
  let phone = flags.phone;
  let email = flags.email;
  if (!phone && !email && canPrompt(ctx)) {
    phone = await optionalValueOrPrompt(ctx, undefined, 'Phone (or leave empty and give an e-mail)', (v) => {
      const p = normalizePhone(v);
      return p.ok ? true : p.reason;
    });
    if (!phone)
      email = await valueOrPrompt(ctx, undefined, '--email', 'E-mail', {
        validate: (v) => (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? true : 'not an e-mail address'),
      });
  }
  const consent: Partial<Record<Channel, boolean>> = {};
  for (const c of (flags.consent ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (!(CHANNELS as readonly string[]).includes(c))
      throw new ValidationError('consent', c, 'not a channel (sms, whatsapp, email)');
    consent[c as Channel] = true;
  }
  const input = {
    firstName,
    lastName,
    phone,
    email,
    dateOfBirth: flags.dob,
    gender: flags.gender,
    hospital: flags.hospital,
    externalId: flags.externalId,
    address: flags.address,
    preferredChannel: flags.channel,
    language: flags.language,
    referredBy: flags.referredBy,
    consent,
  };
  const patient = await ctx.withServices((svc) => addPatient(svc, input));
  if (!ctx.json) ctx.print(`added patient ${patient.id}`);
  await printPatient(ctx, patient);
}
