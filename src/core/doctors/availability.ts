import type { EntityManager } from '@mikro-orm/postgresql';
import type { DateTime } from 'luxon';
import { LAGOS } from '../time.js';
import { DoctorAvailability, DoctorTimeOff } from './doctor.entity.js';
import { hhmm, WEEKDAYS } from './doctor.view.js';

/** The doctor's weekly windows on a weekday (1 = Monday), by start. */
export function windowsOn(
  em: EntityManager,
  doctorId: string,
  weekday: number,
): Promise<DoctorAvailability[]> {
  return em.find(DoctorAvailability, { doctor: doctorId, weekday }, { orderBy: { starts: 'asc' } });
}

/** Whether the doctor is off on a Lagos calendar day (`YYYY-MM-DD`). */
export async function isOff(em: EntityManager, doctorId: string, day: string): Promise<boolean> {
  return (await em.count(DoctorTimeOff, { doctor: doctorId, day })) > 0;
}

/**
 * Whether [start, end) lies inside one of the doctor's weekly windows on a working day.
 * Returns a reason when it does not.
 */
export async function checkAvailability(
  em: EntityManager,
  doctorId: string,
  start: DateTime,
  end: DateTime,
): Promise<string | undefined> {
  const local = start.setZone(LAGOS);
  const localEnd = end.setZone(LAGOS);
  const date = local.toISODate()!;
  if (localEnd.toISODate() !== date && !(localEnd.hour === 0 && localEnd.minute === 0))
    return 'spans midnight, outside any availability window';
  if (await isOff(em, doctorId, date)) return `the doctor is off on ${date}`;
  const from = local.toFormat('HH:mm');
  const to = localEnd.toISODate() !== date ? '24:00' : localEnd.toFormat('HH:mm');
  const windows = await windowsOn(em, doctorId, local.weekday);
  if (windows.some((w) => hhmm(w.starts) <= from && hhmm(w.ends) >= to)) return undefined;
  const day = WEEKDAYS[local.weekday - 1];
  return windows.length
    ? `outside the doctor's hours on ${day} (${windows.map((w) => `${hhmm(w.starts)}–${hhmm(w.ends)}`).join(', ')})`
    : `the doctor does not work on ${day}`;
}
