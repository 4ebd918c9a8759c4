/**
 * `doctor time-off remove`: takes back days off from today on (a leave cancelled). A day off
 * already past is history (the doctor was away, bookings were refused) and is not removed.
 */
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { lagosDate, requireCalendarDate } from '../time.js';
import { loadDoctorView } from './doctor.queries.js';
import { doctorRepository } from './doctor.repository.js';
import { deleteTimeOffDays } from './doctor.sql.js';
import type { DoctorView } from './doctor.view.js';

export interface RemoveTimeOffInput {
  from: string;
  /** Last day (inclusive); default: `from` alone. */
  to?: string;
}

export async function removeTimeOff(
  ctx: ServiceContext,
  ref: string,
  input: RemoveTimeOffInput,
): Promise<DoctorView> {
  const from = requireCalendarDate(input.from, 'date');
  const to = input.to ? requireCalendarDate(input.to, 'to') : from;
  if (to < from) throw new ValidationError('to', input.to, `must not be before ${from}`);
  const today = lagosDate(ctx.clock.now());
  if (from < today)
    throw new ConflictError(
      'time_off_past',
      `${from} is past (today is ${today}): days off already taken are kept; remove days from ${today} on`,
    );
  return ctx.em.transactional(async (em) => {
    const doctor = await doctorRepository(em).getByRef(ref, { lock: true });
    const removed = await deleteTimeOffDays(em, doctor.id, from, to);
    if (removed.length === 0)
      throw new NotFoundError('day off', `${doctor.code} ${from === to ? from : `${from} to ${to}`}`);
    await recordAudit(em, ctx.actor, 'doctor', doctor.id, { timeOffRemoved: removed });
    return loadDoctorView(em, doctor);
  });
}
