import type { DoctorView } from '../../core/doctors/doctor.view.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson, printRecord } from '../_shared/render.js';

export async function printDoctor(ctx: CommandContext, d: DoctorView): Promise<void> {
  if (ctx.json) return printJson(ctx, d);
  await printRecord(ctx, [
    ['code', d.code],
    ['name', d.name],
    ['department', d.department],
    ['hospital', d.hospital],
    ['availability', d.availability.map((w) => `${w.day} ${w.from}–${w.to}`).join(', ') || 'none'],
    ['days off', d.timeOff.map((o) => o.date).join(', ') || 'none'],
    ['id', d.id],
  ]);
}
