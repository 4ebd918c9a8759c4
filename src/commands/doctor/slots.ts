import {
  APPOINTMENT_TYPES,
  type AppointmentType,
  DEFAULT_DURATION,
} from '../../core/appointments/appointment.entity.js';
import { freeSlots } from '../../core/doctors/slots.js';
import { ValidationError } from '../../core/errors.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { intFlag } from '../_shared/flags.js';
import { printJson, printTable } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  date: string;
  type: string;
  duration?: string;
}

export async function run(ctx: CommandContext, [ref]: string[], flags: Flags): Promise<void> {
  const type = flags.type.toLowerCase() as AppointmentType;
  if (!APPOINTMENT_TYPES.includes(type))
    throw new ValidationError('type', flags.type, `use ${APPOINTMENT_TYPES.join(', ')}`);
  const minutes = intFlag(flags.duration, '--duration', { min: 5 }) ?? DEFAULT_DURATION[type];
  const result = await ctx.withServices((svc) => freeSlots(svc, ref, { date: flags.date, minutes }));
  if (ctx.json) return printJson(ctx, result);
  await printTable(
    ctx,
    [
      { header: 'time', value: (s) => s.time },
      { header: 'start', value: (s) => s.start },
      { header: 'end', value: (s) => s.end },
    ],
    result.slots,
  );
}
