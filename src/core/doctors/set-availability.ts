import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { ConflictError, ValidationError } from '../errors.js';
import { DoctorAvailability } from './doctor.entity.js';
import { loadDoctorView } from './doctor.queries.js';
import { doctorRepository } from './doctor.repository.js';
import { type DoctorView, hhmm, WEEKDAYS, type Weekday } from './doctor.view.js';

export interface AvailabilityInput {
  day: string;
  from: string;
  to: string;
}

const HHMM = /^([01]?\d|2[0-3]):([0-5]\d)$/;

export function parseTime(value: string, field: string): string {
  const m = HHMM.exec(value?.trim() ?? '');
  if (!m) throw new ValidationError(field, value, 'not a time of day (HH:MM)');
  return `${m[1].padStart(2, '0')}:${m[2]}`;
}

/** `mon` … `sun` from what an operator types (`Monday`, `TUE`, …). */
export function parseWeekday(value: string): Weekday {
  const day = value?.trim().toLowerCase().slice(0, 3) as Weekday;
  if (!WEEKDAYS.includes(day))
    throw new ValidationError('day', value, 'use mon, tue, wed, thu, fri, sat or sun');
  return day;
}

/** Adds a weekly window (Lagos time); several per day are fine, overlapping ones are refused. */
export async function addAvailability(
  ctx: ServiceContext,
  ref: string,
  input: AvailabilityInput,
): Promise<DoctorView> {
  const day = parseWeekday(input.day);
  const from = parseTime(input.from, 'from');
  const to = parseTime(input.to, 'to');
  if (to <= from) throw new ValidationError('to', input.to, `must be after --from ${from}`);
  return ctx.em.transactional(async (em) => {
    const doctor = await doctorRepository(em).getByRef(ref);
    const weekday = WEEKDAYS.indexOf(day) + 1;
    const clash = await em.findOne(DoctorAvailability, {
      doctor: doctor.id,
      weekday,
      starts: { $lt: to },
      ends: { $gt: from },
    });
    if (clash)
      throw new ConflictError(
        'availability_overlap',
        `${doctor.code} already has ${day} ${hhmm(clash.starts)}–${hhmm(clash.ends)}, which overlaps ${from}–${to}`,
      );
    em.create(DoctorAvailability, { doctor, weekday, starts: from, ends: to } as never);
    await em.flush();
    await recordAudit(em, ctx.actor, 'doctor', doctor.id, { availability: { day, from, to } });
    return loadDoctorView(em, doctor);
  });
}
