import type { EntityManager } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { type Actor, recordAudit } from '../audit/audit.js';
import { query, queryOne } from '../db/sql.js';
import { checkAvailability, findDoctorRow } from '../doctors/doctor.service.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { findPatient } from '../patients/patient.service.js';
import { planReminders } from '../reminders/reminder.planner.js';
import { type Clock, formatAppointmentTime, LAGOS, parseDateTime, toIsoLagos } from '../time.js';
import { onAppointmentCompleted } from './appointment.hooks.js';

export const APPOINTMENT_TYPES = ['consultation', 'follow-up', 'procedure', 'emergency'] as const;
export type AppointmentType = (typeof APPOINTMENT_TYPES)[number];
export const DEFAULT_DURATION: Record<AppointmentType, number> = {
  consultation: 30,
  'follow-up': 15,
  procedure: 60,
  emergency: 30,
};
export const APPOINTMENT_STATUSES = ['scheduled', 'confirmed', 'completed', 'no_show', 'cancelled'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

export interface AppointmentView {
  id: string;
  code: string;
  patient: { id: string; name: string };
  doctor: string;
  doctorName: string;
  hospital: string;
  type: AppointmentType;
  status: AppointmentStatus;
  startsAt: string;
  endsAt: string;
  /** `Tue 1 Dec, 10:00` (Lagos). */
  time: string;
  durationMinutes: number;
  cancelReason: string | null;
  reminders: { kind: string; dueAt: string; status: string; attempts: number }[];
}

interface AppointmentRow {
  id: string;
  code: string;
  patient_id: string;
  patient_name: string;
  doctor_code: string;
  doctor_name: string;
  hospital_code: string;
  type: AppointmentType;
  status: AppointmentStatus;
  starts_at: Date | string;
  ends_at: Date | string;
  cancel_reason: string | null;
}

const SELECT = `select a.id, a.code, a.patient_id, p.first_name || ' ' || p.last_name as patient_name,
    d.code as doctor_code, d.name as doctor_name, h.code as hospital_code, a.type, a.status, a.starts_at, a.ends_at,
    a.cancel_reason
  from appointment a join patient p on p.id = a.patient_id join doctor d on d.id = a.doctor_id
  join hospital h on h.id = a.hospital_id`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const date = (v: Date | string) => (v instanceof Date ? v : new Date(v));

/** An appointment as lists show it; `toView` adds its reminders. */
function toSummary(r: AppointmentRow) {
  const start = date(r.starts_at);
  return {
    id: r.id,
    code: r.code,
    patient: { id: r.patient_id, name: r.patient_name },
    doctor: r.doctor_code,
    doctorName: r.doctor_name,
    hospital: r.hospital_code,
    type: r.type,
    status: r.status,
    startsAt: toIsoLagos(start),
    endsAt: toIsoLagos(date(r.ends_at)),
    time: formatAppointmentTime(toLuxon(start)),
    durationMinutes: Math.round((date(r.ends_at).getTime() - start.getTime()) / 60000),
    cancelReason: r.cancel_reason,
  };
}

async function toView(em: EntityManager, r: AppointmentRow): Promise<AppointmentView> {
  const reminders = await query<{ kind: string; due_at: Date | string; status: string; attempts: number }>(
    em,
    `select kind, due_at, status, attempts from reminder where appointment_id = $1 order by created_at, due_at`,
    [r.id],
  );
  return {
    ...toSummary(r),
    reminders: reminders.map((x) => ({
      kind: x.kind,
      dueAt: toIsoLagos(date(x.due_at)),
      status: x.status,
      attempts: x.attempts,
    })),
  };
}

function toLuxon(d: Date): DateTime {
  return DateTime.fromJSDate(d).setZone(LAGOS);
}

async function findRow(em: EntityManager, ref: string, lock = false): Promise<AppointmentRow> {
  const text = ref.trim();
  const row = await queryOne<AppointmentRow>(
    em,
    `${SELECT} where ${UUID.test(text) ? 'a.id = $1::uuid' : 'a.code = $1'}${lock ? ' for update of a' : ''}`,
    [UUID.test(text) ? text : text.toUpperCase()],
  );
  if (!row) throw new NotFoundError('appointment', ref);
  return row;
}

export async function showAppointment(em: EntityManager, ref: string): Promise<AppointmentView> {
  return toView(em, await findRow(em, ref));
}

/** The live appointment of the doctor or the patient that overlaps [start, end), if any. */
async function findClash(
  em: EntityManager,
  doctorId: string,
  patientId: string,
  start: string,
  end: string,
  except: string | null,
): Promise<(AppointmentRow & { who: 'doctor' | 'patient' }) | undefined> {
  const row = await queryOne<AppointmentRow & { doctor_id: string }>(
    em,
    `${SELECT.replace('select a.id,', 'select a.doctor_id, a.id,')}
     where (a.doctor_id = $1 or a.patient_id = $2) and a.status in ('scheduled', 'confirmed')
       and tstzrange(a.starts_at, a.ends_at, '[)') && tstzrange($3::timestamptz, $4::timestamptz, '[)')
       and ($5::uuid is null or a.id <> $5::uuid)
     order by a.starts_at limit 1`,
    [doctorId, patientId, start, end, except],
  );
  return row ? { ...row, who: row.doctor_id === doctorId ? 'doctor' : 'patient' } : undefined;
}

function clashError(clash: AppointmentRow & { who: 'doctor' | 'patient' }): ConflictError {
  const start = toLuxon(date(clash.starts_at));
  const end = toLuxon(date(clash.ends_at));
  return new ConflictError(
    'appointment_conflict',
    `overlaps appointment ${clash.code} (${clash.who === 'doctor' ? clash.doctor_name : clash.patient_name}, ${formatAppointmentTime(start)}–${end.toFormat('HH:mm')}, ${clash.status}); see \`crm doctor slots ${clash.doctor_code} --date ${start.toISODate()}\``,
  );
}

function isExclusionViolation(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } };
  return e?.code === '23P01' || e?.cause?.code === '23P01';
}

interface TimeInput {
  at: string;
  durationMinutes?: number;
  type: AppointmentType;
}

function resolveTimes(clock: Clock, input: TimeInput): { start: DateTime; end: DateTime } {
  const start = parseDateTime(input.at, 'at');
  const minutes = input.durationMinutes ?? DEFAULT_DURATION[input.type];
  if (!Number.isInteger(minutes) || minutes < 5 || minutes > 24 * 60)
    throw new ValidationError('duration', input.durationMinutes, 'expected whole minutes between 5 and 1440');
  if (start <= clock.now())
    throw new ValidationError(
      'at',
      input.at,
      `is in the past (now is ${formatAppointmentTime(clock.now())})`,
    );
  return { start, end: start.plus({ minutes }) };
}

async function createReminders(em: EntityManager, appointmentId: string, start: DateTime, now: DateTime) {
  const plan = planReminders(start, now);
  if (plan.length === 0) return;
  await query(
    em,
    `insert into reminder (appointment_id, kind, due_at, next_attempt_at, created_at, updated_at)
     select $1, k, d, d, $4::timestamptz, $4::timestamptz from unnest($2::text[], $3::timestamptz[]) as t(k, d)`,
    [appointmentId, plan.map((p) => p.kind), plan.map((p) => p.dueAt.toISO()), now.toISO()],
  );
}

async function cancelPendingReminders(em: EntityManager, appointmentId: string, now: string) {
  await query(
    em,
    `update reminder set status = 'cancelled', claimed_by = null, claimed_until = null, updated_at = $2::timestamptz
     where appointment_id = $1 and status = 'pending'`,
    [appointmentId, now],
  );
}

/** Runs `fn` in a transaction; an exclusion violation becomes a conflict naming the clashing appointment. */
async function withOverlapGuard<T>(
  em: EntityManager,
  fn: (em: EntityManager) => Promise<T>,
  describe: () => Promise<ConflictError>,
): Promise<T> {
  try {
    return await em.transactional((tem) => fn(tem as EntityManager));
  } catch (error) {
    if (isExclusionViolation(error)) throw await describe();
    throw error;
  }
}

export interface ScheduleInput {
  patient: string;
  doctor: string;
  type: string;
  at: string;
  durationMinutes?: number;
}

/**
 * Books an appointment: inside the doctor's hours (emergencies excepted), not in the past, not
 * overlapping the doctor's or the patient's live appointments — the last one guaranteed by the
 * exclusion constraints even when bookings race. Creates its reminders in the same transaction.
 */
export async function scheduleAppointment(
  em: EntityManager,
  clock: Clock,
  input: ScheduleInput,
  actor: Actor,
): Promise<AppointmentView> {
  const type = input.type?.trim().toLowerCase() as AppointmentType;
  if (!APPOINTMENT_TYPES.includes(type))
    throw new ValidationError('type', input.type, `use ${APPOINTMENT_TYPES.join(', ')}`);
  const { start, end } = resolveTimes(clock, { at: input.at, durationMinutes: input.durationMinutes, type });
  const patient = await findPatient(em, input.patient);
  const doctor = await findDoctorRow(em, input.doctor);
  const now = clock.now();
  if (type !== 'emergency') {
    const reason = await checkAvailability(em, doctor.id, start, end);
    if (reason)
      throw new ConflictError(
        'outside_availability',
        `${formatAppointmentTime(start)}–${end.toFormat('HH:mm')}: ${reason}; see \`crm doctor slots ${doctor.code} --date ${start.toISODate()}\``,
      );
  }
  const describe = async () => {
    const clash = await findClash(em, doctor.id, patient.id, start.toISO()!, end.toISO()!, null);
    return clash
      ? clashError(clash)
      : new ConflictError(
          'appointment_conflict',
          'overlaps another appointment of the doctor or the patient',
        );
  };
  const id = await withOverlapGuard(
    em,
    async (tem) => {
      const clash = await findClash(tem, doctor.id, patient.id, start.toISO()!, end.toISO()!, null);
      if (clash) throw clashError(clash);
      const row = await queryOne<{ id: string; code: string }>(
        tem,
        `insert into appointment (code, patient_id, doctor_id, hospital_id, type, starts_at, ends_at, created_at, updated_at)
         values ('AP-' || lpad(nextval('appointment_code_seq')::text, 6, '0'), $1, $2, $3, $4, $5, $6, $7, $7)
         returning id, code`,
        [patient.id, doctor.id, doctor.hospital_id, type, start.toISO(), end.toISO(), now.toISO()],
      );
      await createReminders(tem, row!.id, start, now);
      await recordAudit(tem, actor, 'appointment', row!.id, {
        code: row!.code,
        doctor: doctor.code,
        patient: patient.id,
        type,
        startsAt: start.toISO(),
      });
      return row!.id;
    },
    describe,
  );
  return showAppointment(em, id);
}

/** Moves a live appointment (same checks as booking); its pending reminders are replaced. */
export async function rescheduleAppointment(
  em: EntityManager,
  clock: Clock,
  ref: string,
  input: { at: string; durationMinutes?: number },
  actor: Actor,
): Promise<AppointmentView> {
  const current = await findRow(em, ref);
  const meta = await queryOne<{ doctor_id: string; starts_at: Date | string; ends_at: Date | string }>(
    em,
    'select doctor_id, starts_at, ends_at from appointment where id = $1',
    [current.id],
  );
  const keep = Math.round((date(meta!.ends_at).getTime() - date(meta!.starts_at).getTime()) / 60000);
  const { start, end } = resolveTimes(clock, {
    at: input.at,
    durationMinutes: input.durationMinutes ?? keep,
    type: current.type,
  });
  if (current.type !== 'emergency') {
    const reason = await checkAvailability(em, meta!.doctor_id, start, end);
    if (reason)
      throw new ConflictError(
        'outside_availability',
        `${formatAppointmentTime(start)}–${end.toFormat('HH:mm')}: ${reason}; see \`crm doctor slots ${current.doctor_code} --date ${start.toISODate()}\``,
      );
  }
  const now = clock.now();
  const describe = async () => {
    const clash = await findClash(
      em,
      meta!.doctor_id,
      current.patient_id,
      start.toISO()!,
      end.toISO()!,
      current.id,
    );
    return clash
      ? clashError(clash)
      : new ConflictError(
          'appointment_conflict',
          'overlaps another appointment of the doctor or the patient',
        );
  };
  await withOverlapGuard(
    em,
    async (tem) => {
      const row = await findRow(tem, current.id, true);
      assertLive(row, 'reschedule');
      const clash = await findClash(
        tem,
        meta!.doctor_id,
        row.patient_id,
        start.toISO()!,
        end.toISO()!,
        row.id,
      );
      if (clash) throw clashError(clash);
      await query(
        tem,
        `update appointment set starts_at = $2, ends_at = $3, status = 'scheduled', updated_at = $4::timestamptz where id = $1`,
        [row.id, start.toISO(), end.toISO(), now.toISO()],
      );
      await cancelPendingReminders(tem, row.id, now.toISO()!);
      await createReminders(tem, row.id, start, now);
      await recordAudit(tem, actor, 'appointment', row.id, {
        code: row.code,
        rescheduled: { from: toIsoLagos(date(row.starts_at)), to: start.toISO() },
      });
    },
    describe,
  );
  return showAppointment(em, current.id);
}

function assertLive(row: AppointmentRow, verb: string): void {
  if (row.status !== 'scheduled' && row.status !== 'confirmed')
    throw new ConflictError(
      'appointment_not_live',
      `cannot ${verb} appointment ${row.code}: it is ${row.status.replace('_', '-')}`,
    );
}

const TRANSITIONS: Record<string, { from: AppointmentStatus[]; to: AppointmentStatus }> = {
  confirm: { from: ['scheduled'], to: 'confirmed' },
  cancel: { from: ['scheduled', 'confirmed'], to: 'cancelled' },
  complete: { from: ['scheduled', 'confirmed'], to: 'completed' },
  'no-show': { from: ['scheduled', 'confirmed'], to: 'no_show' },
};

/**
 * confirm | cancel | complete | no-show. Leaving the live states cancels the pending reminders;
 * completing updates the patient's last visit and runs the loyalty hook, in the same transaction.
 */
export async function changeAppointmentStatus(
  em: EntityManager,
  clock: Clock,
  ref: string,
  verb: keyof typeof TRANSITIONS,
  actor: Actor,
  options: { reason?: string } = {},
): Promise<AppointmentView> {
  const rule = TRANSITIONS[verb];
  const now = clock.now();
  const id = await em.transactional(async (t) => {
    const tem = t as EntityManager;
    const row = await findRow(tem, ref, true);
    if (!rule.from.includes(row.status))
      throw new ConflictError(
        'appointment_state',
        `cannot ${verb} appointment ${row.code}: it is ${row.status.replace('_', '-')} (allowed from ${rule.from.join(', ')})`,
      );
    if ((verb === 'complete' || verb === 'no-show') && date(row.starts_at).getTime() > now.toMillis())
      throw new ConflictError(
        'appointment_not_started',
        `cannot ${verb} appointment ${row.code}: it starts ${formatAppointmentTime(toLuxon(date(row.starts_at)))}`,
      );
    await query(
      tem,
      `update appointment set status = $2, cancel_reason = coalesce($3, cancel_reason), updated_at = $4::timestamptz where id = $1`,
      [row.id, rule.to, verb === 'cancel' ? (options.reason?.trim() ?? null) : null, now.toISO()],
    );
    if (rule.to !== 'confirmed') await cancelPendingReminders(tem, row.id, now.toISO()!);
    if (rule.to === 'completed') {
      await query(
        tem,
        `update patient set last_visit_at = greatest(coalesce(last_visit_at, $2::timestamptz), $2::timestamptz),
           updated_at = $3::timestamptz where id = $1`,
        [row.patient_id, date(row.starts_at).toISOString(), now.toISO()],
      );
      await onAppointmentCompleted(tem, {
        id: row.id,
        code: row.code,
        patientId: row.patient_id,
        startsAt: date(row.starts_at).toISOString(),
      });
    }
    await recordAudit(tem, actor, 'appointment', row.id, {
      code: row.code,
      status: { from: row.status, to: rule.to },
      ...(options.reason ? { reason: options.reason } : {}),
    });
    return row.id;
  });
  return showAppointment(em, id);
}

export interface ListAppointmentsInput {
  doctor?: string;
  patient?: string;
  hospital?: string;
  status?: string;
  date?: string;
  limit?: number;
}

export async function listAppointments(
  em: EntityManager,
  input: ListAppointmentsInput,
): Promise<Omit<AppointmentView, 'reminders'>[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (input.doctor) {
    params.push((await findDoctorRow(em, input.doctor)).id);
    where.push(`a.doctor_id = $${params.length}`);
  }
  if (input.patient) {
    params.push((await findPatient(em, input.patient)).id);
    where.push(`a.patient_id = $${params.length}`);
  }
  if (input.hospital) {
    params.push(input.hospital.trim().toUpperCase());
    where.push(`h.code = $${params.length}`);
  }
  if (input.status) {
    const s = input.status.replace('-', '_');
    if (!(APPOINTMENT_STATUSES as readonly string[]).includes(s))
      throw new ValidationError('status', input.status, `use ${APPOINTMENT_STATUSES.join(', ')}`);
    params.push(s);
    where.push(`a.status = $${params.length}`);
  }
  if (input.date) {
    const day = parseDateTime(input.date, 'date').startOf('day');
    params.push(day.toISO(), day.plus({ days: 1 }).toISO());
    where.push(
      `a.starts_at >= $${params.length - 1}::timestamptz and a.starts_at < $${params.length}::timestamptz`,
    );
  }
  params.push(input.limit ?? 100);
  const rows = await query<AppointmentRow>(
    em,
    `${SELECT} ${where.length ? `where ${where.join(' and ')}` : ''} order by a.starts_at, a.code limit $${params.length}`,
    params,
  );
  return rows.map(toSummary);
}
