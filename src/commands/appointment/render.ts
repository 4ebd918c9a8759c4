import type { AppointmentView } from '../../core/appointments/appointment.view.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson, printRecord } from '../_shared/render.js';

export async function printAppointment(ctx: CommandContext, a: AppointmentView): Promise<void> {
  if (ctx.json) return printJson(ctx, a);
  await printRecord(ctx, [
    ['code', a.code],
    ['status', a.status],
    ['time', `${a.time} (${a.durationMinutes} min)`],
    ['type', a.type],
    ['patient', a.patient.name],
    ['doctor', `${a.doctorName} (${a.doctor})`],
    ['hospital', a.hospital],
    ['reminders', a.reminders.map((r) => `${r.kind} ${r.status}`).join(', ') || 'none'],
    ['id', a.id],
  ]);
}
