import type { DateTime } from 'luxon';

export const REMINDER_OFFSETS = [
  { kind: '7d', offset: { days: 7 } },
  { kind: '1d', offset: { days: 1 } },
  { kind: '2h', offset: { hours: 2 } },
] as const;
export type ReminderKind = (typeof REMINDER_OFFSETS)[number]['kind'];

/**
 * The reminders an appointment gets: 7 days, 1 day and 2 hours before its start, only those still
 * in the future. Days are Lagos calendar days (luxon arithmetic in the appointment's zone).
 */
export function planReminders(startsAt: DateTime, now: DateTime): { kind: ReminderKind; dueAt: DateTime }[] {
  return REMINDER_OFFSETS.map((r) => ({ kind: r.kind, dueAt: startsAt.minus(r.offset) })).filter(
    (r) => r.dueAt > now,
  );
}
