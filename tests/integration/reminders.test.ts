import { DateTime } from 'luxon';
import { beforeEach, describe, expect, it } from 'vitest';
import { showAppointment } from '../../src/core/appointments/appointment.queries.js';
import { changeAppointmentStatus } from '../../src/core/appointments/appointment-transitions.js';
import { rescheduleAppointment } from '../../src/core/appointments/reschedule-appointment.js';
import { scheduleAppointment } from '../../src/core/appointments/schedule-appointment.js';
import { query, queryOne } from '../../src/core/db/sql.js';
import { addTimeOff } from '../../src/core/doctors/add-time-off.js';
import { freeSlots } from '../../src/core/doctors/slots.js';
import { ConflictError, UnavailableError, ValidationError } from '../../src/core/errors.js';
import { addHospital } from '../../src/core/hospitals/add-hospital.js';
import { loadMessagingConfig } from '../../src/core/messaging/messaging.config.js';
import { realMessengers } from '../../src/core/messaging/messaging.runtime.js';
import { addPatient } from '../../src/core/patients/add-patient.js';
import { planDueReminders } from '../../src/core/reminders/plan-due-reminders.js';
import { planReminders } from '../../src/core/reminders/reminder.planner.js';
import { sendDueReminders } from '../../src/core/reminders/send-due-reminders.js';
import { type Clock, fixedClock, LAGOS } from '../../src/core/time.js';
import { makeDoctor } from '../support/factories.js';
import { messagingTestbed } from '../support/messaging-testbed.js';
import { fakeMessagingConfig } from '../support/reminders-seed.js';
import { services } from '../support/services.js';

const bed = messagingTestbed();
const actor = { operator: 'tester', command: 'test' };
const at = (iso: string): Clock => fixedClock(DateTime.fromISO(iso, { zone: LAGOS }));
const BOOKING = at('2026-11-20T12:00');

let patientPhone: string;
beforeEach(async () => {
  await addHospital(services(bed.db, { actor: actor }), {
    code: 'LAG-001',
    name: 'Lagos Island Specialist',
    state: 'Lagos',
    city: 'Lagos',
  });
  const p = await addPatient(services(bed.db, { clock: BOOKING, actor }), {
    firstName: 'Ada',
    lastName: 'Obi',
    phone: '08031234567',
    email: 'ada@example.ng',
    hospital: 'LAG-001',
  });
  patientPhone = p.phone!;
  await makeDoctor(services(bed.db, { actor }), {
    hospital: 'LAG-001',
    name: 'Dr. Ngozi Okafor',
    department: 'cardiology',
    code: 'DR-1',
    hours: [
      ...['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => ({ day, from: '07:00', to: '13:00' })),
      { day: 'tue', from: '14:00', to: '17:00' },
    ],
  });
});

const book = (when: string, type = 'consultation', clock = BOOKING, patient = '08031234567') =>
  scheduleAppointment(services(bed.db, { actor, clock }), { patient, doctor: 'DR-1', type, at: when });
const run = (clock: Clock, cfg = bed.config) =>
  sendDueReminders(services(bed.db, { clock, actor }), cfg, realMessengers(cfg));

describe('appointments', () => {
  it('books with the default duration and reminders 7 d, 1 d and 2 h before (across a month boundary)', async () => {
    const a = await book('2026-12-01 10:00');
    expect(a).toMatchObject({
      code: 'AP-000001',
      status: 'scheduled',
      durationMinutes: 30,
      time: 'Tue 1 Dec, 10:00',
    });
    expect(a.reminders.map((r) => [r.kind, r.dueAt])).toEqual([
      ['7d', '2026-11-24T10:00:00+01:00'],
      ['1d', '2026-11-30T10:00:00+01:00'],
      ['2h', '2026-12-01T08:00:00+01:00'],
    ]);
    expect((await book('2026-12-02 09:00', 'procedure')).durationMinutes).toBe(60);
  });

  it('creates only future reminders', () => {
    const start = DateTime.fromISO('2026-12-01T10:00', { zone: LAGOS });
    expect(planReminders(start, start.minus({ hours: 30 })).map((r) => r.kind)).toEqual(['1d', '2h']);
    expect(planReminders(start, start.minus({ hours: 1 }))).toEqual([]);
  });

  it('refuses the past, hours outside availability and days off, except emergencies', async () => {
    await expect(book('2026-11-19 10:00')).rejects.toThrow(ValidationError);
    await expect(book('2026-12-01 13:45')).rejects.toThrow(
      /outside the doctor's hours on tue \(07:00–13:00, 14:00–17:00\)/,
    );
    await expect(book('2026-12-05 10:00')).rejects.toThrow(/does not work on sat/);
    await addTimeOff(services(bed.db, { actor }), 'DR-1', { from: '2026-12-03', reason: 'conference' });
    await expect(book('2026-12-03 10:00')).rejects.toThrow(/off on 2026-12-03/);
    expect((await book('2026-12-05 22:00', 'emergency')).status).toBe('scheduled');
  });

  it("refuses an overlap with the doctor's or the patient's live appointments, naming the clash", async () => {
    await book('2026-12-01 10:00');
    const error = await book('2026-12-01 10:15').catch((e) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.exitCode).toBe(5);
    expect(error.message).toMatch(/overlaps appointment AP-000001 .*Tue 1 Dec, 10:00–10:30/);
    // Back to back is fine; after cancelling, the slot is free again.
    await book('2026-12-01 10:30', 'follow-up');
    await changeAppointmentStatus(services(bed.db, { actor, clock: BOOKING }), 'AP-000001', 'cancel', {
      reason: 'travel',
    });
    expect((await book('2026-12-01 10:00')).code).toBe('AP-000003');
  });

  it('one patient with two different doctors at once: refused by the code and by the database', async () => {
    await makeDoctor(services(bed.db, { actor }), {
      hospital: 'LAG-001',
      name: 'Dr. Emeka Eze',
      code: 'DR-2',
      hours: ['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => ({ day, from: '07:00', to: '17:00' })),
    });
    const first = await book('2026-12-01 10:00');
    const withOther = (when: string) =>
      scheduleAppointment(services(bed.db, { actor, clock: BOOKING }), {
        patient: '08031234567',
        doctor: 'DR-2',
        type: 'consultation',
        at: when,
      });
    const error = await withOther('2026-12-01 10:15').catch((e) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toMatch(/overlaps appointment AP-000001/);
    // The exclusion constraint itself, past the code's check: a row written straight to the table.
    const ctx = services(bed.db, { actor });
    const clash = await ctx.em
      .transactional((em) =>
        query(
          em,
          `insert into appointment (code, patient_id, doctor_id, hospital_id, type, starts_at, ends_at)
           select 'AP-DIRECT', a.patient_id, d.id, a.hospital_id, 'consultation',
                  a.starts_at + interval '15 minutes', a.ends_at + interval '15 minutes'
             from appointment a, doctor d where a.code = $1 and d.code = 'DR-2'`,
          [first.code],
        ),
      )
      .catch((e) => e);
    expect(String(clash?.message ?? clash)).toMatch(/appointment_patient_no_overlap/);
    // Back to back with the other doctor is fine.
    expect((await withOther('2026-12-01 10:30')).status).toBe('scheduled');
  });

  it('lists free slots around bookings', async () => {
    await book('2026-12-01 10:00');
    const { slots } = await freeSlots(services(bed.db, { clock: BOOKING }), 'DR-1', {
      date: '2026-12-01',
      minutes: 60,
    });
    expect(slots.map((s) => s.time)).toEqual([
      '07:00',
      '08:00',
      '09:00',
      '11:00',
      '12:00',
      '14:00',
      '15:00',
      '16:00',
    ]);
  });

  it('rescheduling replaces the pending reminders; cancelling cancels them', async () => {
    await book('2026-12-01 10:00');
    const moved = await rescheduleAppointment(services(bed.db, { actor, clock: BOOKING }), 'AP-000001', {
      at: '2026-12-08 11:00',
    });
    expect(moved.time).toBe('Tue 8 Dec, 11:00');
    const live = moved.reminders.filter((r) => r.status === 'pending');
    expect(live.map((r) => r.dueAt)).toEqual([
      '2026-12-01T11:00:00+01:00',
      '2026-12-07T11:00:00+01:00',
      '2026-12-08T09:00:00+01:00',
    ]);
    expect(moved.reminders.filter((r) => r.status === 'cancelled')).toHaveLength(3);
    const cancelled = await changeAppointmentStatus(
      services(bed.db, { actor, clock: BOOKING }),
      'AP-000001',
      'cancel',
    );
    expect(cancelled.reminders.every((r) => r.status === 'cancelled')).toBe(true);
    await expect(
      changeAppointmentStatus(services(bed.db, { actor, clock: BOOKING }), 'AP-000001', 'confirm'),
    ).rejects.toThrow(/cannot confirm appointment AP-000001: it is cancelled/);
  });

  it("completing updates the patient's last visit", async () => {
    await book('2026-12-01 10:00');
    await changeAppointmentStatus(services(bed.db, { actor, clock: BOOKING }), 'AP-000001', 'confirm');
    await expect(
      changeAppointmentStatus(services(bed.db, { actor, clock: BOOKING }), 'AP-000001', 'complete'),
    ).rejects.toThrow(/starts Tue 1 Dec/);
    const done = await changeAppointmentStatus(
      services(bed.db, { actor, clock: at('2026-12-01T10:40') }),
      'AP-000001',
      'complete',
    );
    expect(done.status).toBe('completed');
    const p = await queryOne<{ last_visit_at: Date }>(
      bed.db.em(),
      'select last_visit_at from patient where phone = $1',
      [patientPhone],
    );
    expect(new Date(p!.last_visit_at).toISOString()).toBe('2026-12-01T09:00:00.000Z');
  });
});

describe('reminder send', () => {
  it('sends each due reminder once, rendered in Lagos time, and nothing on the next run', async () => {
    await book('2026-12-01 10:00');
    const r1 = await run(at('2026-11-24T10:05'));
    expect(r1).toEqual({ sent: 1, failed: 0, deferred: 0, expired: 0, retrying: 0 });
    const [req] = bed.fake.requestsFor('twilio.messages.create');
    expect(req.form).toMatchObject({
      To: '+2348031234567',
      Body: 'Hello Ada, this is a reminder of your appointment with Dr. Ngozi Okafor at Lagos Island Specialist on Tue 1 Dec, 10:00. To change it, please call the hospital.',
    });
    expect(await run(at('2026-11-24T10:10'))).toEqual({
      sent: 0,
      failed: 0,
      deferred: 0,
      expired: 0,
      retrying: 0,
    });
    // The next two across the month boundary.
    expect((await run(at('2026-11-30T10:00'))).sent).toBe(1);
    expect((await run(at('2026-12-01T08:00'))).sent).toBe(1);
    expect(bed.fake.requestsFor('twilio.messages.create')).toHaveLength(3);
    const a = await showAppointment(services(bed.db), 'AP-000001');
    expect(a.reminders.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
  });

  it('defers to the end of quiet hours when that is before the appointment', async () => {
    await book('2026-12-01 10:00');
    // The 1-day reminder is due 2026-11-30 10:00; a run at 22:00 on the 30th (late cron) is in quiet hours.
    await query(bed.db.em(), `update reminder set status = 'sent' where kind = '7d'`);
    await query(
      bed.db.em(),
      `update reminder set next_attempt_at = '2026-11-30T22:00:00+01:00' where kind = '1d'`,
    );
    const r = await run(at('2026-11-30T22:00'));
    expect(r).toMatchObject({ sent: 0, deferred: 1 });
    const [row] = await query<{ next_attempt_at: Date }>(
      bed.db.em(),
      `select next_attempt_at from reminder where kind = '1d'`,
    );
    expect(new Date(row.next_attempt_at).toISOString()).toBe('2026-12-01T07:00:00.000Z'); // 08:00 Lagos
    expect(await run(at('2026-12-01T07:59'))).toMatchObject({ sent: 0, deferred: 0 });
    // At 08:00 both the deferred 1-day and the 2-hour reminder go.
    expect(await run(at('2026-12-01T08:00'))).toMatchObject({ sent: 2 });
  });

  it('an appointment at 07:00: the 2 h reminder falls in quiet hours and is sent at its due time', async () => {
    await book('2026-12-01 07:00', 'consultation', BOOKING);
    await query(bed.db.em(), `update reminder set status = 'sent' where kind <> '2h'`);
    const r = await run(at('2026-12-01T05:00'));
    expect(r).toMatchObject({ sent: 1, deferred: 0 });
    expect(bed.fake.requestsFor('twilio.messages.create')[0].form).toMatchObject({
      Body: expect.stringContaining('Tue 1 Dec, 07:00'),
    });
  });

  it('expires reminders of appointments that already started and skips cancelled ones', async () => {
    await book('2026-12-01 10:00');
    await book('2026-12-02 10:00');
    await changeAppointmentStatus(services(bed.db, { actor, clock: BOOKING }), 'AP-000002', 'cancel');
    const r = await run(at('2026-12-01T10:00'));
    expect(r).toEqual({ sent: 0, failed: 0, deferred: 0, expired: 3, retrying: 0 });
    expect(bed.fake.requests).toHaveLength(0);
  });

  it('retries transient failures on later runs, up to 5 attempts, then fails', async () => {
    await book('2026-12-01 10:00');
    bed.fake.plan('any', { status: 503 }, Number.POSITIVE_INFINITY);
    let clock = DateTime.fromISO('2026-11-24T10:00', { zone: LAGOS });
    for (let attempt = 1; attempt <= 4; attempt++) {
      expect(await run(fixedClock(clock))).toMatchObject({ retrying: 1, failed: 0 });
      // Not again before the backoff has passed.
      expect(await run(fixedClock(clock.plus({ seconds: 30 })))).toMatchObject({ retrying: 0, sent: 0 });
      clock = clock.plus({ hours: 2 });
    }
    expect(await run(fixedClock(clock))).toMatchObject({ retrying: 0, failed: 1 });
    const [row] = await query<{ status: string; attempts: number; last_error: string }>(
      bed.db.em(),
      `select status, attempts, last_error from reminder where kind = '7d'`,
    );
    expect(row).toMatchObject({ status: 'failed', attempts: 5 });
    expect(row.last_error).toMatch(/^20503/);
    expect(bed.fake.requests).toHaveLength(5 * bed.config.maxTries);
  });

  it('permanent errors fail at once; 21610 marks the patient opted out of that channel', async () => {
    await book('2026-12-01 10:00');
    bed.fake.failNext(1, { kind: 'twilio-error', code: 21610 });
    expect(await run(at('2026-11-24T10:00'))).toMatchObject({ failed: 1, retrying: 0 });
    const p = await queryOne<{ opted_out_sms: boolean }>(bed.db.em(), 'select opted_out_sms from patient');
    expect(p!.opted_out_sms).toBe(true);
    // The next reminder falls back to a channel the patient can still receive: e-mail.
    expect(await run(at('2026-11-30T10:00'))).toMatchObject({ sent: 1 });
    expect(bed.fake.sendgridMails()[0].body.personalizations[0].to[0].email).toBe('ada@example.ng');
    expect(bed.fake.sendgridMails()[0].body.subject).toBe(
      'Appointment reminder: Mon 30 Nov, 10:00'.replace('Mon 30 Nov', 'Tue 1 Dec'),
    );
  });

  it('uses the patient language variant, and WhatsApp only with an approved template', async () => {
    await query(bed.db.em(), `update patient set preferred_channel = 'whatsapp', preferred_language = 'pcm'`);
    await bed.db.em().transactional(async () => {});
    const { setTemplate } = await import('../../src/core/messaging/set-template.js');
    await setTemplate(services(bed.db, { actor }), {
      key: 'reminder',
      language: 'pcm',
      body: '{{first_name}}, no forget {{appointment_time}}',
    });
    await book('2026-12-01 10:00');
    // No Content SID: WhatsApp cannot start the conversation, so SMS carries it (in Pidgin).
    expect(await run(at('2026-11-24T10:00'))).toMatchObject({ sent: 1 });
    expect(bed.fake.requests[0].form).toMatchObject({
      To: '+2348031234567',
      Body: 'Ada, no forget Tue 1 Dec, 10:00',
    });
    const withSid = fakeMessagingConfig(bed.fake, {
      CRM_WHATSAPP_REMINDER_CONTENT_SID: `HX${'cd'.repeat(16)}`,
    });
    expect(await run(at('2026-11-30T10:00'), withSid)).toMatchObject({ sent: 1 });
    expect(bed.fake.requests[1].form).toEqual({
      To: 'whatsapp:+2348031234567',
      From: 'whatsapp:+14155238886',
      ContentSid: `HX${'cd'.repeat(16)}`,
      ContentVariables: JSON.stringify({
        1: 'Ada',
        2: 'Tue 1 Dec, 10:00',
        3: 'Dr. Ngozi Okafor',
        4: 'Lagos Island Specialist',
      }),
    });
  });

  it('without credentials: exit 7 and nothing claimed; --dry-run needs none and writes nothing', async () => {
    await book('2026-12-01 10:00');
    const bare = loadMessagingConfig({});
    const error = await sendDueReminders(
      services(bed.db, { clock: at('2026-11-24T10:00'), actor }),
      bare,
      realMessengers(bare),
    ).catch((e) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.message).toMatch(/sms needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN/);
    const plan = await planDueReminders(services(bed.db, { clock: at('2026-11-24T10:00'), actor }), bare);
    expect(plan.result).toEqual({ sent: 1, failed: 0, deferred: 0, expired: 0, retrying: 0 });
    const [counts] = await query<{ claimed: number; messages: number }>(
      bed.db.em(),
      `select (select count(*)::int from reminder where claimed_by is not null or attempts > 0) as claimed,
              (select count(*)::int from messages) as messages`,
    );
    expect(counts).toEqual({ claimed: 0, messages: 0 });
    expect(bed.fake.requests).toHaveLength(0);
  });
});
