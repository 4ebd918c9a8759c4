import { Appointment, LIVE_STATUSES } from '../appointments/appointment.entity.js';
import type { ServiceContext } from '../context.js';
import { requireCalendarDate, startOfLagosDay } from '../time.js';
import { isOff, windowsOn } from './availability.js';
import { doctorRepository } from './doctor.repository.js';
import { hhmm } from './doctor.view.js';

export interface Slot {
  start: string;
  end: string;
  /** `10:00` Lagos time. */
  time: string;
}

export interface FreeSlots {
  doctor: string;
  date: string;
  minutes: number;
  slots: Slot[];
}

/** Free slots of `minutes` on a Lagos date: inside the windows, not taken, not in the past. */
export async function freeSlots(
  ctx: ServiceContext,
  ref: string,
  input: { date: string; minutes: number },
): Promise<FreeSlots> {
  const { em } = ctx;
  const date = requireCalendarDate(input.date, 'date');
  const doctor = await doctorRepository(em).getByRef(ref);
  const dayStart = startOfLagosDay(date);
  const result: FreeSlots = { doctor: doctor.code, date, minutes: input.minutes, slots: [] };
  if (await isOff(em, doctor.id, date)) return result;
  const windows = await windowsOn(em, doctor.id, dayStart.weekday);
  const taken = await em.find(Appointment, {
    doctor: doctor.id,
    status: { $in: LIVE_STATUSES },
    startsAt: { $lt: dayStart.plus({ days: 1 }).toJSDate() },
    endsAt: { $gt: dayStart.toJSDate() },
  });
  const busy = taken.map((t) => [t.startsAt.getTime(), t.endsAt.getTime()]);
  const now = ctx.clock.now().toMillis();
  for (const w of windows) {
    const [sh, sm] = hhmm(w.starts).split(':').map(Number);
    const [eh, em2] = hhmm(w.ends).split(':').map(Number);
    const windowEnd = dayStart.set({ hour: eh, minute: em2 });
    for (
      let s = dayStart.set({ hour: sh, minute: sm });
      s.plus({ minutes: input.minutes }) <= windowEnd;
      s = s.plus({ minutes: input.minutes })
    ) {
      const e = s.plus({ minutes: input.minutes });
      if (s.toMillis() <= now) continue;
      if (busy.some(([bs, be]) => bs < e.toMillis() && be > s.toMillis())) continue;
      result.slots.push({
        start: s.toISO({ suppressMilliseconds: true })!,
        end: e.toISO({ suppressMilliseconds: true })!,
        time: s.toFormat('HH:mm'),
      });
    }
  }
  return result;
}
