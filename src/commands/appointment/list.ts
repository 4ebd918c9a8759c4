import { listAppointments } from '../../core/appointments/appointment.service.js';
import type { CommandContext } from '../_shared/context.js';
import { intFlag } from '../_shared/flags.js';
import { printJson, printTable } from '../_shared/render.js';

export async function run(
  ctx: CommandContext,
  _args: string[],
  flags: Record<string, string>,
): Promise<void> {
  const rows = await ctx.withDatabase((db) =>
    listAppointments(db.em(), {
      doctor: flags.doctor,
      patient: flags.patient,
      hospital: flags.hospital,
      status: flags.status,
      date: flags.date,
      limit: intFlag(flags.limit, '--limit', { min: 1 }),
    }),
  );
  if (ctx.json) return printJson(ctx, rows);
  await printTable(
    ctx,
    [
      { header: 'code', value: (a) => a.code },
      { header: 'time', value: (a) => a.time },
      { header: 'min', value: (a) => a.durationMinutes, align: 'right' },
      { header: 'type', value: (a) => a.type },
      { header: 'status', value: (a) => a.status },
      { header: 'doctor', value: (a) => a.doctor },
      { header: 'patient', value: (a) => a.patient.name },
    ],
    rows,
  );
}
