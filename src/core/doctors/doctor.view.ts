import type { Doctor, DoctorAvailability, DoctorTimeOff } from './doctor.entity.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface AvailabilityWindow {
  day: Weekday;
  from: string;
  to: string;
}

/** A doctor as commands print it and `--json` shows it. */
export interface DoctorView {
  id: string;
  code: string;
  name: string;
  department: string;
  hospital: string;
  availability: AvailabilityWindow[];
  timeOff: { date: string; reason: string | null }[];
}

/** A row of `crm doctor list`. */
export interface DoctorListItem {
  id: string;
  code: string;
  name: string;
  department: string;
  hospital: string;
  windows: number;
}

/** `09:00` of a time of day as PostgreSQL prints it (`09:00:00`). */
export function hhmm(time: string): string {
  return String(time).slice(0, 5);
}

/** `doctor` with its hospital loaded; windows by weekday and start, days off by date. */
export function toDoctorView(
  doctor: Doctor,
  windows: readonly DoctorAvailability[],
  timeOff: readonly DoctorTimeOff[],
): DoctorView {
  return {
    id: doctor.id,
    code: doctor.code,
    name: doctor.name,
    department: doctor.department,
    hospital: doctor.hospital.code,
    availability: windows.map((w) => ({
      day: WEEKDAYS[w.weekday - 1],
      from: hhmm(w.starts),
      to: hhmm(w.ends),
    })),
    timeOff: timeOff.map((o) => ({ date: o.day, reason: o.reason ?? null })),
  };
}
