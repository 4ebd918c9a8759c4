import { ValidationError } from '../../core/errors.js';
import { CHANNELS, type Channel } from '../../core/patients/patient.entity.js';
import { optOutPatient } from '../../core/patients/patient.service.js';
import type { CommandContext } from '../_shared/context.js';
import { printPatient } from './render.js';

export async function run(
  ctx: CommandContext,
  [ref]: string[],
  flags: Record<string, string>,
): Promise<void> {
  const requested = flags.channel.toLowerCase();
  const channels = requested === 'all' ? [...CHANNELS] : requested.split(',').map((c) => c.trim());
  for (const c of channels) {
    if (!(CHANNELS as readonly string[]).includes(c))
      throw new ValidationError('channel', c, 'not a channel (sms, whatsapp, email, all)');
  }
  const patient = await ctx.withDatabase((db) =>
    optOutPatient(db.em(), ref, channels as Channel[], ctx.actor()),
  );
  if (!ctx.json) ctx.print(`opted out of ${channels.join(', ')}`);
  await printPatient(ctx, patient);
}
