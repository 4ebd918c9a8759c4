import type { EntityManager } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { type Actor, recordAudit } from '../audit/audit.js';
import { query, queryOne } from '../db/sql.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { hospitalRepository } from '../hospitals/hospital.repository.js';
import { type Clock, LAGOS, requireCalendarDate, startOfLagosDay } from '../time.js';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface AvailabilityWindow {
  day: Weekday;
  from: string;
  to: string;
}

export interface DoctorView {
  id: string;
  code: string;
  name: string;
  department: string;
  hospital: string;
  availability: AvailabilityWindow[];
  timeOff: { date: string; reason: string | null }[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CODE = /^[A-Z0-9][A-Z0-9-]{0,31}$/;
const HHMM = /^([01]?\d|2[0-3]):([0-5]\d)$/;

interface DoctorRow {
  id: string;
  code: string;
  name: string;
  department: string;
  hospital_id: string;
  hospital_code: string;
  hospital_name: string;
}

export async function findDoctorRow(em: EntityManager, ref: string): Promise<DoctorRow> {
  const text = ref.trim();
  const row = await queryOne<DoctorRow>(
    em,
    `select d.id, d.code, d.name, d.department, d.hospital_id, h.code as hospital_code, h.name as hospital_name
     from doctor d join hospital h on h.id = d.hospital_id where ${UUID.test(text) ? 'd.id = $1::uuid' : 'd.code = $1'}`,
    [UUID.test(text) ? text : text.toUpperCase()],
  );
  if (!row) throw new NotFoundError('doctor', ref);
  return row;
}

function hhmm(t: string): string {
  return t.slice(0, 5);
}

export async function showDoctor(em: EntityManager, ref: string): Promise<DoctorView> {
  const d = await findDoctorRow(em, ref);
  const windows = await query<{ weekday: number; starts: string; ends: string }>(
    em,
    'select weekday, starts::text, ends::text from doctor_availability where doctor_id = $1 order by weekday, starts',
    [d.id],
  );
  const off = await query<{ day: string; reason: string | null }>(
    em,
    `select to_char(day, 'YYYY-MM-DD') as day, reason from doctor_time_off where doctor_id = $1 order by day`,
    [d.id],
  );
  return {
    id: d.id,
    code: d.code,
    name: d.name,
    department: d.department,
    hospital: d.hospital_code,
    availability: windows.map((w) => ({
      day: WEEKDAYS[w.weekday - 1],
      from: hhmm(w.starts),
      to: hhmm(w.ends),
    })),
    timeOff: off.map((o) => ({ date: o.day, reason: o.reason })),
  };
}

export async function addDoctor(
  em: EntityManager,
  input: { hospital: string; name: string; department: string; code?: string },
  actor: Actor,
): Promise<DoctorView> {
  if (!input.name?.trim()) throw new ValidationError('name', input.name, 'is required');
  if (!input.department?.trim()) throw new ValidationError('department', input.department, 'is required');
  const code = input.code?.trim().toUpperCase();
  if (code !== undefined && !CODE.test(code))
    throw new ValidationError('code', input.code, 'use letters, digits and dashes, e.g. DR-0001');
  return em.transactional(async (tem) => {
    const e = tem as EntityManager;
    const hospital = await hospitalRepository(e).getByRef(input.hospital);
    if (code && (await queryOne(e, 'select 1 from doctor where code = $1', [code])))
      throw new ConflictError('doctor_exists', `doctor ${code} already exists`);
    const row = await queryOne<{ id: string }>(
      e,
      `insert into doctor (code, hospital_id, name, department)
       values (coalesce($1, 'DR-' || lpad(nextval('doctor_code_seq')::text, 4, '0')), $2, $3, $4) returning id`,
      [code ?? null, hospital.id, input.name.trim(), input.department.trim().toLowerCase()],
    );
    await recordAudit(e, actor, 'doctor', row!.id, { name: input.name.trim(), hospital: hospital.code });
    return showDoctor(e, row!.id);
  });
}

export async function listDoctors(em: EntityManager, input: { hospital?: string; department?: string }) {
  const where: string[] = [];
  const params: unknown[] = [];
  if (input.hospital) {
    params.push((await hospitalRepository(em).getByRef(input.hospital)).id);
    where.push(`d.hospital_id = $${params.length}`);
  }
  if (input.department) {
    params.push(input.department.trim().toLowerCase());
    where.push(`d.department = $${params.length}`);
  }
  return query<{
    id: string;
    code: string;
    name: string;
    department: string;
    hospital: string;
    windows: number;
  }>(
    em,
    `select d.id, d.code, d.name, d.department, h.code as hospital,
       (select count(*)::int from doctor_availability a where a.doctor_id = d.id) as windows
     from doctor d join hospital h on h.id = d.hospital_id
     ${where.length ? `where ${where.join(' and ')}` : ''} order by h.code, d.code`,
    params,
  );
}

function parseTime(value: string, field: string): string {
  const m = HHMM.exec(value?.trim() ?? '');
  if (!m) throw new ValidationError(field, value, 'not a time of day (HH:MM)');
  return `${m[1].padStart(2, '0')}:${m[2]}`;
}

export function parseWeekday(value: string): Weekday {
  const day = value?.trim().toLowerCase().slice(0, 3) as Weekday;
  if (!WEEKDAYS.includes(day))
    throw new ValidationError('day', value, 'use mon, tue, wed, thu, fri, sat or sun');
  return day;
}

/** Adds a weekly window (Lagos time); several per day are fine, overlapping ones are refused. */
export async function addAvailability(
  em: EntityManager,
  ref: string,
  input: { day: string; from: string; to: string },
  actor: Actor,
): Promise<DoctorView> {
  const day = parseWeekday(input.day);
  const from = parseTime(input.from, 'from');
  const to = parseTime(input.to, 'to');
  if (to <= from) throw new ValidationError('to', input.to, `must be after --from ${from}`);
  return em.transactional(async (tem) => {
    const e = tem as EntityManager;
    const d = await findDoctorRow(e, ref);
    const weekday = WEEKDAYS.indexOf(day) + 1;
    const clash = await queryOne<{ starts: string; ends: string }>(
      e,
      `select starts::text, ends::text from doctor_availability
       where doctor_id = $1 and weekday = $2 and starts < $4::time and ends > $3::time`,
      [d.id, weekday, from, to],
    );
    if (clash)
      throw new ConflictError(
        'availability_overlap',
        `${d.code} already has ${day} ${hhmm(clash.starts)}–${hhmm(clash.ends)}, which overlaps ${from}–${to}`,
      );
    await query(
      e,
      'insert into doctor_availability (doctor_id, weekday, starts, ends) values ($1, $2, $3, $4)',
      [d.id, weekday, from, to],
    );
    await recordAudit(e, actor, 'doctor', d.id, { availability: { day, from, to } });
    return showDoctor(e, d.id);
  });
}

/** Days off, from one date to another (inclusive, Lagos calendar days). */
export async function addTimeOff(
  em: EntityManager,
  ref: string,
  input: { from: string; to?: string; reason?: string },
  actor: Actor,
): Promise<DoctorView> {
  const from = requireCalendarDate(input.from, 'date');
  const to = input.to ? requireCalendarDate(input.to, 'to') : from;
  if (to < from) throw new ValidationError('to', input.to, `must not be before ${from}`);
  const days = Math.round(DateTime.fromISO(to).diff(DateTime.fromISO(from), 'days').days) + 1;
  if (days > 366) throw new ValidationError('to', input.to, 'at most a year of days off at once');
  return em.transactional(async (tem) => {
    const e = tem as EntityManager;
    const d = await findDoctorRow(e, ref);
    await query(
      e,
      `insert into doctor_time_off (doctor_id, day, reason)
       select $1, g::date, $4 from generate_series($2::date, $3::date, interval '1 day') g
       on conflict (doctor_id, day) do update set reason = coalesce(excluded.reason, doctor_time_off.reason)`,
      [d.id, from, to, input.reason?.trim() || null],
    );
    await recordAudit(e, actor, 'doctor', d.id, { timeOff: { from, to, reason: input.reason ?? null } });
    return showDoctor(e, d.id);
  });
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
  const off = await queryOne(em, 'select 1 from doctor_time_off where doctor_id = $1 and day = $2::date', [
    doctorId,
    date,
  ]);
  if (off) return `the doctor is off on ${date}`;
  const from = local.toFormat('HH:mm');
  const to = localEnd.toISODate() !== date ? '24:00' : localEnd.toFormat('HH:mm');
  const windows = await query<{ starts: string; ends: string }>(
    em,
    'select starts::text, ends::text from doctor_availability where doctor_id = $1 and weekday = $2 order by starts',
    [doctorId, local.weekday],
  );
  if (windows.some((w) => hhmm(w.starts) <= from && hhmm(w.ends) >= to)) return undefined;
  const day = WEEKDAYS[local.weekday - 1];
  return windows.length
    ? `outside the doctor's hours on ${day} (${windows.map((w) => `${hhmm(w.starts)}–${hhmm(w.ends)}`).join(', ')})`
    : `the doctor does not work on ${day}`;
}

export interface Slot {
  start: string;
  end: string;
  /** `10:00` Lagos time. */
  time: string;
}

/** Free slots of `minutes` on a Lagos date: inside the windows, not taken, not in the past. */
export async function freeSlots(
  em: EntityManager,
  clock: Clock,
  ref: string,
  input: { date: string; minutes: number },
): Promise<{ doctor: string; date: string; minutes: number; slots: Slot[] }> {
  const date = requireCalendarDate(input.date, 'date');
  const d = await findDoctorRow(em, ref);
  const dayStart = startOfLagosDay(date);
  const result = { doctor: d.code, date, minutes: input.minutes, slots: [] as Slot[] };
  const off = await queryOne(em, 'select 1 from doctor_time_off where doctor_id = $1 and day = $2::date', [
    d.id,
    date,
  ]);
  if (off) return result;
  const windows = await query<{ starts: string; ends: string }>(
    em,
    'select starts::text, ends::text from doctor_availability where doctor_id = $1 and weekday = $2 order by starts',
    [d.id, dayStart.weekday],
  );
  const taken = await query<{ starts_at: Date | string; ends_at: Date | string }>(
    em,
    `select starts_at, ends_at from appointment where doctor_id = $1 and status in ('scheduled', 'confirmed')
       and starts_at < $3::timestamptz and ends_at > $2::timestamptz`,
    [d.id, dayStart.toISO(), dayStart.plus({ days: 1 }).toISO()],
  );
  const busy = taken.map((t) => [new Date(t.starts_at).getTime(), new Date(t.ends_at).getTime()]);
  const now = clock.now().toMillis();
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
