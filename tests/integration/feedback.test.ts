/**
 * Feedback against a real database: recording (with the alert and e-mail a low rating causes, in
 * one transaction), the refusals that write nothing, the alert and suggestion state machines
 * (in the operations and in the database's triggers), soft deletion and the NPS report.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { changeAppointmentStatus } from '../../src/core/appointments/appointment-transitions.js';
import type { Database } from '../../src/core/db/database.js';
import { query } from '../../src/core/db/sql.js';
import { acknowledgeAlert } from '../../src/core/feedback/acknowledge-alert.js';
import { deleteFeedback } from '../../src/core/feedback/delete-feedback.js';
import {
  listAlerts,
  listFeedback,
  listSuggestions,
  showFeedback,
} from '../../src/core/feedback/feedback.queries.js';
import type { RecordFeedbackInput } from '../../src/core/feedback/feedback-input.js';
import { feedbackNps } from '../../src/core/feedback/feedback-nps.js';
import { recordFeedback } from '../../src/core/feedback/record-feedback.js';
import { resolveAlert } from '../../src/core/feedback/resolve-alert.js';
import { setSuggestionStatus } from '../../src/core/feedback/set-suggestion-status.js';
import { fixedClock, LAGOS } from '../../src/core/time.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { makeAppointment, makeDoctor, makeHospital, makePatient } from '../support/factories.js';
import { services } from '../support/services.js';

let tdb: TestDatabase;
let db: Database;
const booking = fixedClock(DateTime.fromISO('2026-11-20T09:00', { zone: LAGOS }));
const now = fixedClock(DateTime.fromISO('2026-11-24T12:00', { zone: LAGOS }));
const ctx = (clock = now) => services(db, { clock });
const sql = <T>(text: string, params: unknown[] = []) => query<T>(db.em(), text, params);
const count = async (table: string) =>
  (await sql<{ n: number }>(`select count(*)::int as n from ${table}`))[0].n;

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = await tdb.open();
});
afterAll(async () => {
  await db?.close();
  await tdb?.drop();
});
beforeEach(async () => {
  await sql(
    'truncate feedback_suggestion, feedback_alert, feedback, messages, reminder, appointment cascade',
  );
});

/** A completed appointment at a hospital with (or without) a service manager e-mail. */
async function completedVisit(managerEmail: string | null = 'manager@lagos-island.example') {
  const hospital = await makeHospital(ctx(), managerEmail ? { managerEmail } : {});
  const patient = await makePatient(ctx(), { hospital: hospital.code });
  const doctor = await makeDoctor(ctx(), { hospital: hospital.code });
  const appointment = await makeAppointment(ctx(booking), {
    patient: patient.id,
    doctor: doctor.code,
    at: '2026-11-23T10:00',
  });
  await changeAppointmentStatus(ctx(), appointment.code, 'complete');
  return { hospital, patient, doctor, appointment };
}

const record = (input: RecordFeedbackInput, clock = now) => recordFeedback(ctx(clock), input);

describe('recording feedback', () => {
  it('a low rating opens an alert due in 48 hours and queues an e-mail to the service manager', async () => {
    const { patient, appointment, doctor, hospital } = await completedVisit();
    const f = await record({
      patient: patient.id,
      appointment: appointment.code,
      rating: 4,
      categories: ['doctor=5', 'wait_time=1'],
      nps: 6,
      comment: 'Waited three hours',
    });
    expect(f).toMatchObject({
      code: expect.stringMatching(/^FB-\d{6}$/),
      hospital: hospital.code,
      appointment: appointment.code,
      doctor: doctor.code,
      rating: 4,
      nps: 6,
      categories: { doctor: 5, wait_time: 1 },
      alert: {
        code: expect.stringMatching(/^AL-2026-\d{4}$/),
        status: 'open',
        reason: 'wait_time 1/5',
        dueAt: '2026-11-26T12:00:00+01:00',
        overdue: false,
        emailQueued: true,
      },
      suggestion: null,
    });
    const [message] = await sql<{
      recipient: string;
      purpose: string;
      status: string;
      queued_at: Date;
      subject: string;
    }>('select recipient, purpose, status, queued_at, subject from messages');
    expect(message).toMatchObject({
      recipient: 'manager@lagos-island.example',
      purpose: 'alert',
      status: 'pending',
    });
    expect(message.queued_at).not.toBeNull();
    expect(message.subject).toContain(f.alert!.code);
    const audits = await sql<{ entity: string }>(
      `select entity from audit_log where entity in ('feedback', 'feedback_alert') order by id`,
    );
    expect(audits.map((a) => a.entity).slice(-2)).toEqual(['feedback_alert', 'feedback']);
  });

  it('a good rating opens no alert; a suggestion is tracked for the hospital', async () => {
    const { patient, appointment, hospital } = await completedVisit();
    const f = await record({
      patient: patient.phone!,
      appointment: appointment.code,
      rating: 5,
      nps: 10,
      suggestion: 'More chairs in the waiting room',
    });
    expect(f.alert).toBeNull();
    expect(f.suggestion).toMatchObject({
      code: expect.stringMatching(/^SG-\d{6}$/),
      status: 'new',
      hospital: hospital.code,
    });
    expect(await count('messages')).toBe(0);
  });

  it('without a manager e-mail the alert still opens, and says no e-mail was queued', async () => {
    const { patient, appointment } = await completedVisit(null);
    const f = await record({ patient: patient.id, appointment: appointment.code, rating: 1 });
    expect(f.alert).toMatchObject({ status: 'open', reason: 'rating 1/5', emailQueued: false });
    expect(await count('messages')).toBe(0);
  });

  it('without an appointment, the feedback is about the patient’s hospital', async () => {
    const { patient, hospital } = await completedVisit();
    const f = await record({ patient: patient.id, rating: 3 });
    expect(f).toMatchObject({ hospital: hospital.code, appointment: null, doctor: null });
  });

  it('refusals are one line with exit 3 or 5 and write nothing', async () => {
    const { patient, appointment, hospital } = await completedVisit();
    const other = await makePatient(ctx(), { hospital: hospital.code });
    const scheduled = await makeAppointment(ctx(booking), { at: '2026-11-30T10:00' });
    await record({ patient: patient.id, appointment: appointment.code, rating: 5 });
    const before = [await count('feedback'), await count('feedback_alert'), await count('messages')];
    const cases: Array<[RecordFeedbackInput, number, RegExp]> = [
      [{ patient: patient.id, rating: 6 }, 3, /^--rating: expected a whole number from 1 to 5 \(got 6\)$/],
      [{ patient: patient.id, rating: 0 }, 3, /^--rating/],
      [{ patient: patient.id, rating: '4.5' }, 3, /^--rating/],
      [{ patient: patient.id, rating: 3, nps: 11 }, 3, /^--nps: expected a whole number from 0 to 10/],
      [
        { patient: patient.id, rating: 3, categories: ['food=2'] },
        3,
        /^--category: unknown category; use doctor, nursing/,
      ],
      [
        { patient: patient.id, rating: 3, categories: ['doctor=6'] },
        3,
        /^--category doctor: expected a whole number from 1 to 5/,
      ],
      [{ patient: patient.id, rating: 3, categories: ['doctor=4', 'doctor=1'] }, 3, /doctor is given twice/],
      [
        { patient: other.id, appointment: appointment.code, rating: 1 },
        3,
        /is not this patient's appointment/,
      ],
      [
        { patient: scheduled.patient.id, appointment: scheduled.code, rating: 1 },
        3,
        /is scheduled, not completed/,
      ],
      [
        { patient: patient.id, appointment: appointment.code, rating: 1 },
        5,
        /already has feedback FB-\d{6}; one feedback per appointment/,
      ],
    ];
    for (const [input, exitCode, message] of cases) {
      const error = await record(input).then(
        () => undefined,
        (e) => e,
      );
      expect(error, JSON.stringify(input)).toMatchObject({ exitCode });
      expect(error.message, JSON.stringify(input)).toMatch(message);
      expect(error.message).not.toContain('\n');
    }
    expect([await count('feedback'), await count('feedback_alert'), await count('messages')]).toEqual(before);
  });

  it('the database holds the rules too: feedback on an appointment that is not completed, a second one', async () => {
    const { patient, appointment, hospital } = await completedVisit();
    const scheduled = await makeAppointment(ctx(booking), { at: '2026-11-30T10:00' });
    const insert = (appointmentId: string, patientId: string, doctorId: string | null, hospitalId: string) =>
      sql(
        `insert into feedback (code, patient_id, hospital_id, appointment_id, doctor_id, rating, submitted_at)
         values ('FB-9' || floor(random() * 100000)::int, $1, $2, $3, $4, 3, now())`,
        [patientId, hospitalId, appointmentId, doctorId],
      );
    const [a] = await sql<{ doctor_id: string; hospital_id: string }>(
      'select doctor_id, hospital_id from appointment where id = $1',
      [appointment.id],
    );
    const [s] = await sql<{ doctor_id: string; hospital_id: string; patient_id: string }>(
      'select doctor_id, hospital_id, patient_id from appointment where id = $1',
      [scheduled.id],
    );
    await expect(insert(scheduled.id, s.patient_id, s.doctor_id, s.hospital_id)).rejects.toThrow(
      /not completed/,
    );
    await insert(appointment.id, patient.id, a.doctor_id, a.hospital_id);
    await expect(insert(appointment.id, patient.id, a.doctor_id, a.hospital_id)).rejects.toThrow(
      /feedback_one_per_appointment/,
    );
    expect(hospital.code).toBeTruthy();
  });
});

describe('alerts', () => {
  it('open → acknowledged → resolved, each audited with the operator; resolving again is exit 5', async () => {
    const { patient, appointment } = await completedVisit();
    const f = await record({ patient: patient.id, appointment: appointment.code, rating: 2 });
    const code = f.alert!.code;
    const acked = await acknowledgeAlert(ctx(), code);
    expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'ada' });
    await expect(acknowledgeAlert(ctx(), code)).rejects.toMatchObject({ exitCode: 5 });
    await expect(resolveAlert(ctx(), code, '  ')).rejects.toMatchObject({ exitCode: 3 });
    const resolved = await resolveAlert(ctx(), code.toLowerCase(), 'Called the patient; apologised');
    expect(resolved).toMatchObject({
      status: 'resolved',
      resolvedBy: 'ada',
      resolutionNote: 'Called the patient; apologised',
    });
    await expect(resolveAlert(ctx(), code, 'again')).rejects.toMatchObject({
      exitCode: 5,
      message: `alert ${code} is already resolved (by ada)`,
    });
    const audits = await sql<{ summary: { from?: string; to?: string }; operator: string }>(
      `select summary, operator from audit_log where entity = 'feedback_alert' and summary->>'code' = $1 order by id`,
      [code],
    );
    expect(audits.map((a) => a.summary.to ?? 'open')).toEqual(['open', 'acknowledged', 'resolved']);
    expect(audits.every((a) => a.operator === 'ada')).toBe(true);
    // The database refuses what the operations never do.
    await expect(sql(`update feedback_alert set status = 'open' where code = $1`, [code])).rejects.toThrow(
      /is resolved/,
    );
  });

  it('resolving an open alert records the acknowledgement too; the database refuses skipping it', async () => {
    const { patient, appointment } = await completedVisit();
    const f = await record({ patient: patient.id, appointment: appointment.code, rating: 1 });
    const other = await record({ patient: patient.id, rating: 1 });
    await expect(
      sql(
        `update feedback_alert set status = 'resolved', acknowledged_at = now(), resolved_at = now(),
             resolution_note = 'x' where code = $1`,
        [other.alert!.code],
      ),
    ).rejects.toThrow(/cannot become resolved/);
    const resolved = await resolveAlert(ctx(), f.alert!.code, 'Done');
    expect(resolved).toMatchObject({ status: 'resolved', acknowledgedBy: 'ada' });
  });

  it('the list shows unresolved alerts, overdue ones first and marked; --overdue only those', async () => {
    const { patient, hospital } = await completedVisit();
    const early = DateTime.fromISO('2026-11-20T08:00', { zone: LAGOS });
    const old = await record({ patient: patient.id, rating: 1 }, fixedClock(early));
    const fresh = await record({ patient: patient.id, rating: 2 });
    const done = await record({ patient: patient.id, rating: 2 });
    await resolveAlert(ctx(), done.alert!.code, 'fixed');
    const alerts = await listAlerts(ctx());
    expect(alerts.map((a) => [a.code, a.overdue])).toEqual([
      [old.alert!.code, true],
      [fresh.alert!.code, false],
    ]);
    expect((await listAlerts(ctx(), { overdue: true })).map((a) => a.code)).toEqual([old.alert!.code]);
    expect((await listAlerts(ctx(), { status: 'resolved' })).map((a) => a.code)).toEqual([done.alert!.code]);
    expect((await listAlerts(ctx(), { hospital: hospital.code })).length).toBe(2);
    await expect(listAlerts(ctx(), { status: 'closed' })).rejects.toMatchObject({ exitCode: 3 });
  });
});

describe('suggestions', () => {
  it('new → planned → done, audited; a move not allowed is exit 5, an unknown status exit 3', async () => {
    const { patient, hospital } = await completedVisit();
    const f = await record({ patient: patient.id, rating: 4, suggestion: 'Open the pharmacy on Sundays' });
    const code = f.suggestion!.code;
    await expect(setSuggestionStatus(ctx(), code, 'finished')).rejects.toMatchObject({ exitCode: 3 });
    await expect(setSuggestionStatus(ctx(), code, 'done')).rejects.toMatchObject({
      exitCode: 5,
      message: `suggestion ${code} is new: it cannot become done (only planned or declined)`,
    });
    expect(await setSuggestionStatus(ctx(), code, 'planned', 'Q1 budget')).toMatchObject({
      status: 'planned',
      note: 'Q1 budget',
      statusChangedBy: 'ada',
    });
    expect(await setSuggestionStatus(ctx(), code, 'done')).toMatchObject({
      status: 'done',
      note: 'Q1 budget',
    });
    await expect(setSuggestionStatus(ctx(), code, 'declined')).rejects.toMatchObject({ exitCode: 5 });
    await expect(
      sql(`update feedback_suggestion set status = 'new' where code = $1`, [code]),
    ).rejects.toThrow(/cannot become new/);
    expect(await listSuggestions(ctx(), { hospital: hospital.code, status: 'done' })).toHaveLength(1);
    expect(await listSuggestions(ctx(), { status: 'new' })).toHaveLength(0);
  });
});

describe('deleting feedback', () => {
  it('is a soft delete with the reason, left out of lists and NPS; deleting again is exit 5', async () => {
    const { patient } = await completedVisit();
    const f = await record({ patient: patient.id, rating: 5, nps: 10 });
    await expect(deleteFeedback(ctx(), f.code, '')).rejects.toMatchObject({ exitCode: 3 });
    const deleted = await deleteFeedback(ctx(), f.code, 'entered for the wrong patient');
    expect(deleted).toMatchObject({
      code: f.code,
      deletedBy: 'ada',
      reason: 'entered for the wrong patient',
    });
    expect(await listFeedback(ctx())).toHaveLength(0);
    expect((await showFeedback(ctx(), f.code)).deleteReason).toBe('entered for the wrong patient');
    expect((await feedbackNps(ctx())).groups[0]).toMatchObject({ responses: 0, nps: null });
    await expect(deleteFeedback(ctx(), f.code, 'again')).rejects.toMatchObject({ exitCode: 5 });
    await expect(sql('update feedback set rating = 1 where code = $1', [f.code])).rejects.toThrow(
      /as the patient gave it/,
    );
  });
});

describe('listing and NPS', () => {
  it('lists by hospital, period and rating', async () => {
    const a = await completedVisit();
    const b = await completedVisit();
    await record({ patient: a.patient.id, rating: 5 });
    await record({ patient: a.patient.id, rating: 2 });
    await record(
      { patient: b.patient.id, rating: 3 },
      fixedClock(DateTime.fromISO('2026-10-15T12:00', { zone: LAGOS })),
    );
    expect(await listFeedback(ctx(), { hospital: a.hospital.code })).toHaveLength(2);
    expect(await listFeedback(ctx(), { period: '2026-10' })).toHaveLength(1);
    expect(await listFeedback(ctx(), { period: '2026-Q4' })).toHaveLength(3);
    expect((await listFeedback(ctx(), { maxRating: 2 })).map((f) => f.rating)).toEqual([2]);
    expect(await listFeedback(ctx(), { minRating: 3, maxRating: 5 })).toHaveLength(2);
    await expect(listFeedback(ctx(), { period: '2026-13' })).rejects.toMatchObject({ exitCode: 3 });
  });

  it('NPS by hospital: counts, score, averages and the thin-sample flag, in one grouped query', async () => {
    const a = await completedVisit();
    const b = await completedVisit();
    // Hospital a: 3 promoters, 1 passive, 1 detractor, 1 without an answer → (3 − 1) / 5 = 40.
    for (const nps of [10, 9, 9, 8, 3, undefined])
      await record({ patient: a.patient.id, rating: 4, nps, categories: ['doctor=5', 'billing=3'] });
    // Hospital b: 30 promoters: a full sample.
    for (let i = 0; i < 30; i++) await record({ patient: b.patient.id, rating: 5, nps: 10 });
    const report = await feedbackNps(ctx(), { by: 'hospital' });
    const byCode = new Map(report.groups.map((g) => [g.key, g]));
    expect(byCode.get(a.hospital.code)).toMatchObject({
      responses: 6,
      npsResponses: 5,
      promoters: 3,
      passives: 1,
      detractors: 1,
      nps: 40,
      thinSample: true,
      averageRating: 4,
      categories: { doctor: 5, billing: 3, nursing: null },
    });
    expect(byCode.get(b.hospital.code)).toMatchObject({ npsResponses: 30, nps: 100, thinSample: false });
    const one = await feedbackNps(ctx(), { hospital: a.hospital.code, period: '2026-11' });
    expect(one.groups).toHaveLength(1);
    expect(one.groups[0]).toMatchObject({ key: 'all', nps: 40 });
    expect((await feedbackNps(ctx(), { by: 'month' })).groups.map((g) => g.key)).toEqual(['2026-11']);
    expect((await feedbackNps(ctx(), { by: 'doctor' })).groups.map((g) => g.key)).toEqual([null]);
    await expect(feedbackNps(ctx(), { by: 'ward' })).rejects.toMatchObject({ exitCode: 3 });
  });
});
