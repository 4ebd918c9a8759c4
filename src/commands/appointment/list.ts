import { listAppointments } from '../../core/appointments/appointment.queries.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { intFlag } from '../_shared/flags.js';
import { printJson, printTable } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  doctor?: string;
  patient?: string;
  hospital?: string;
  status?: string;
  date?: string;
  limit?: string;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  const rows = await ctx.withServices((svc) =>
    listAppointments(svc, {
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
      { header: 'min', value: (a) => a.durationMinutes, align: 'right', drop: 2 },
      { header: 'type', value: (a) => a.type },
      { header: 'status', value: (a) => a.status },
      { header: 'doctor', value: (a) => a.doctor, shrink: true },
      { header: 'patient', value: (a) => a.patient.name, shrink: true },
    ],
    rows,
  );
}
