import { DateTime } from 'luxon';
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { ValidationError } from '../errors.js';
import { requireCalendarDate } from '../time.js';
import { loadDoctorView } from './doctor.queries.js';
import { doctorRepository } from './doctor.repository.js';
import { insertTimeOffDays } from './doctor.sql.js';
import type { DoctorView } from './doctor.view.js';

export interface TimeOffInput {
  from: string;
  /** Last day off (inclusive); default: `from` alone. */
  to?: string;
  reason?: string;
}

/** Days off, from one date to another (inclusive, Lagos calendar days). */
export async function addTimeOff(ctx: ServiceContext, ref: string, input: TimeOffInput): Promise<DoctorView> {
  const from = requireCalendarDate(input.from, 'date');
  const to = input.to ? requireCalendarDate(input.to, 'to') : from;
  if (to < from) throw new ValidationError('to', input.to, `must not be before ${from}`);
  const days = Math.round(DateTime.fromISO(to).diff(DateTime.fromISO(from), 'days').days) + 1;
  if (days > 366) throw new ValidationError('to', input.to, 'at most a year of days off at once');
  return ctx.em.transactional(async (em) => {
    const doctor = await doctorRepository(em).getByRef(ref);
    await insertTimeOffDays(em, doctor.id, from, to, input.reason?.trim() || null);
    await recordAudit(em, ctx.actor, 'doctor', doctor.id, {
      timeOff: { from, to, reason: input.reason ?? null },
    });
    return loadDoctorView(em, doctor);
  });
}
