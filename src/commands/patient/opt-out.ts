import { ValidationError } from '../../core/errors.js';
import { optOutPatient } from '../../core/patients/opt-out-patient.js';
import { CHANNELS, type Channel } from '../../core/patients/patient.entity.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printPatient } from './render.js';

interface Flags extends GlobalFlags {
  /** sms, whatsapp, email (comma-separated) or all; required by the command's definition. */
  channel: string;
}

export async function run(ctx: CommandContext, [ref]: string[], flags: Flags): Promise<void> {
  const requested = flags.channel.toLowerCase();
  const channels = requested === 'all' ? [...CHANNELS] : requested.split(',').map((c) => c.trim());
  for (const c of channels) {
    if (!(CHANNELS as readonly string[]).includes(c))
      throw new ValidationError('channel', c, 'not a channel (sms, whatsapp, email, all)');
  }
  const patient = await ctx.withServices((svc) => optOutPatient(svc, ref, channels as Channel[]));
  if (!ctx.json) ctx.print(`opted out of ${channels.join(', ')}`);
  await printPatient(ctx, patient);
}
