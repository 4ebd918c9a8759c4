/**
 * `doctor availability remove`: removes a weekly window. Refused (exit 5) while the window still
 * holds live appointments from now on: they would be booked outside the doctor's hours; cancel or
 * reschedule them first. Appointments already past are history and do not depend on it.
 */
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { DoctorAvailability } from './doctor.entity.js';
import { loadDoctorView } from './doctor.queries.js';
import { doctorRepository } from './doctor.repository.js';
import { liveAppointmentsInWindow } from './doctor.sql.js';
import { type DoctorView, hhmm, WEEKDAYS } from './doctor.view.js';
import { parseTime, parseWeekday } from './set-availability.js';

export interface RemoveAvailabilityInput {
  day: string;
  /** The window's start (a day may have several windows). */
  from: string;
}

export async function removeAvailability(
  ctx: ServiceContext,
  ref: string,
  input: RemoveAvailabilityInput,
): Promise<DoctorView> {
  const day = parseWeekday(input.day);
  const from = parseTime(input.from, 'from');
  const weekday = WEEKDAYS.indexOf(day) + 1;
  return ctx.em.transactional(async (em) => {
    // The doctor's row lock keeps a booking from landing in the window while it is removed.
    const doctor = await doctorRepository(em).getByRef(ref, { lock: true });
    const windows = await em.find(DoctorAvailability, { doctor: doctor.id, weekday });
    const window = windows.find((w) => hhmm(w.starts) === from);
    if (!window)
      throw new NotFoundError(
        'availability window',
        `${doctor.code} ${day} from ${from} (${day} has ${windows.map((w) => `${hhmm(w.starts)}–${hhmm(w.ends)}`).join(', ') || 'no window'})`,
      );
    const to = hhmm(window.ends);
    const held = await liveAppointmentsInWindow(
      em,
      doctor.id,
      { weekday, from, to },
      ctx.clock.now().toISO()!,
    );
    if (held.length > 0)
      throw new ConflictError(
        'availability_in_use',
        `${doctor.code} ${day} ${from}–${to} holds ${held.length}${held.length === 20 ? '+' : ''} live appointment(s) (${held.slice(0, 5).join(', ')}): cancel or reschedule them first`,
      );
    em.remove(window);
    await em.flush();
    await recordAudit(em, ctx.actor, 'doctor', doctor.id, { availabilityRemoved: { day, from, to } });
    return loadDoctorView(em, doctor);
  });
}
