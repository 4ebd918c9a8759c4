import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retentionCohorts } from '../../src/core/analytics/cohorts.js';
import { analyticsDashboard } from '../../src/core/analytics/dashboard.js';
import { hospitalScorecards } from '../../src/core/analytics/hospital-scorecards.js';
import { ownerAnalytics } from '../../src/core/analytics/owner-analytics.js';
import { patientJourney } from '../../src/core/analytics/patient-journey.js';
import { changeAppointmentStatus } from '../../src/core/appointments/appointment-transitions.js';
import type { Database } from '../../src/core/db/database.js';
import { query } from '../../src/core/db/sql.js';
import { recordFeedback } from '../../src/core/feedback/record-feedback.js';
import { awardPoints } from '../../src/core/loyalty/award-points.js';
import { Message } from '../../src/core/messaging/message.entity.js';
import { logOwnerContact } from '../../src/core/owners/log-communication.js';
import { recordSatisfaction } from '../../src/core/owners/record-satisfaction.js';
import { runPayouts } from '../../src/core/payouts/run-payouts.js';
import { fixedClock } from '../../src/core/time.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import {
  importTransactionRows,
  makeAppointment,
  makeContract,
  makeDoctor,
  makeHospital,
  makeOwner,
  makePatient,
} from '../support/factories.js';
import { services } from '../support/services.js';

/**
 * A small network built by hand, with every expected figure worked out in the comments:
 * October 2026 is the previous period, November the report period, and "now" is 20 November.
 */
const at = (iso: string) => fixedClock(DateTime.fromISO(iso, { zone: 'Africa/Lagos' }));
const NOW = at('2026-11-20T12:00');
let tdb: TestDatabase;
let db: Database;
let ikeja: string;
let ownerEmail: string;
let wuse: string;
let journeyPatient: string;

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = await tdb.open();
  const oct = services(db, { clock: at('2026-10-01T09:00') });
  const nov = services(db, { clock: at('2026-11-02T09:00') });
  ikeja = (await makeHospital(oct, { code: 'LAG-100' })).code;
  wuse = (await makeHospital(oct, { code: 'ABJ-100', state: 'FCT', city: 'Abuja' })).code;
  const doctor = (await makeDoctor(oct, { hospital: ikeja })).code;

  // Patients: 2 registered in October (Ikeja), 3 in November at Ikeja and 1 at Wuse.
  const octPatients = [
    await makePatient(oct, { hospital: ikeja }),
    await makePatient(oct, { hospital: ikeja }),
  ];
  const novPatients = [];
  for (let i = 0; i < 3; i++) novPatients.push(await makePatient(nov, { hospital: ikeja }));
  const wusePatient = await makePatient(nov, { hospital: wuse });
  journeyPatient = novPatients[0].phone!;

  // October at Ikeja: 4 completed, 1 no-show (rate 1/5 = 0.2).
  const octCodes: string[] = [];
  for (let i = 0; i < 5; i++) {
    const p = i < 2 ? octPatients[i] : novPatients[i - 2];
    octCodes.push(
      (await makeAppointment(oct, { at: `2026-10-0${5 + i} 10:00`, patient: p.phone!, doctor })).code,
    );
  }
  const endOct = services(db, { clock: at('2026-10-30T18:00') });
  for (const [i, code] of octCodes.entries())
    await changeAppointmentStatus(endOct, code, i < 4 ? 'complete' : 'no-show');

  // November at Ikeja: 3 completed, 2 no-shows (rate 2/5 = 0.4); one left scheduled in the past
  // (neither upcoming nor counted); two upcoming after "now".
  const novCodes: string[] = [];
  for (let i = 0; i < 5; i++) {
    const p = i < 3 ? novPatients[i] : octPatients[i - 3];
    novCodes.push(
      (await makeAppointment(nov, { at: `2026-11-0${3 + i} 11:00`, patient: p.phone!, doctor })).code,
    );
  }
  const now = services(db, { clock: NOW });
  for (const [i, code] of novCodes.entries())
    await changeAppointmentStatus(now, code, i < 3 ? 'complete' : 'no-show');
  await makeAppointment(nov, { at: '2026-11-16 09:00', patient: novPatients[0].phone!, doctor });
  await makeAppointment(nov, { at: '2026-11-25 09:00', patient: novPatients[1].phone!, doctor });
  await makeAppointment(nov, { at: '2026-12-01 09:00', patient: novPatients[2].phone!, doctor });

  // Contracts: Ikeja's since January (in force both months, ₦500,000 guarantee); Wuse's from
  // 1 November to 10 January (in force in November only, ends within 60 days of now).
  const owner = await makeOwner(oct);
  ownerEmail = owner.email!;
  await logOwnerContact(now, { owner: owner.id, channel: 'call', summary: 'November statement explained' });
  await makeContract(oct, { owner: owner.id, hospital: ikeja });
  await makeContract(nov, { hospital: wuse, start: '2026-11-01', end: '2027-01-10' });

  // October's payouts: no revenue, so Ikeja's owner gets the whole guarantee as a top-up.
  await runPayouts(services(db, { clock: at('2026-11-02T10:00') }), { period: '2026-10' });

  // November's revenue at Ikeja: a ₦100,000 payment less a ₦20,000 refund (no payouts run yet).
  await importTransactionRows(services(db, { clock: NOW }), [
    { hospital: ikeja, at: '2026-11-03 10:00', amount: '100000.00' },
    { hospital: ikeja, at: '2026-11-04 10:00', amount: '20000.00', kind: 'refund' },
  ]);

  // Owner satisfaction: 4 in October; 5 and 2 in November (average 3.5).
  await recordSatisfaction(endOct, { owner: owner.id, category: 'payment', rating: 4 });
  await recordSatisfaction(now, { owner: owner.id, category: 'payment', rating: 5 });
  await recordSatisfaction(now, { owner: owner.id, category: 'support', rating: 2 });

  // Reminder messages: November SMS 3 delivered + 1 failed, e-mail 1 sent; October SMS 1 delivered.
  const em = db.em();
  const message = (channel: 'sms' | 'email', status: string, created: string) =>
    em.create(Message, {
      channel,
      recipient: channel === 'sms' ? '+2348030000000' : 'a@example.ng',
      body: 'reminder',
      purpose: 'reminder',
      provider: channel === 'sms' ? 'twilio' : 'sendgrid',
      status,
      createdAt: new Date(created),
      updatedAt: new Date(created),
    } as never);
  for (const s of ['delivered', 'delivered', 'sent', 'failed'])
    message('sms', s, '2026-11-10T10:00:00+01:00');
  message('email', 'sent', '2026-11-11T10:00:00+01:00');
  message('sms', 'delivered', '2026-10-10T10:00:00+01:00');
  await em.flush();

  // Patient feedback. October: 1 (rating 1, NPS 0: a detractor) on 31 October; its alert was due
  // 2 November and is still open, so it is overdue now. November, on the three visits completed
  // (at "now"): ratings 5, 2, 4 (average 3.67) and NPS 10, 3, 8: one promoter, one detractor and
  // one passive, NPS 0; the rating of 2 opens an alert due in 48 h (not yet overdue).
  await recordFeedback(services(db, { clock: at('2026-10-31T10:00') }), {
    patient: octPatients[0].phone!,
    appointment: octCodes[0],
    rating: 1,
    nps: 0,
  });
  for (const [i, [rating, nps]] of [
    [5, 10],
    [2, 3],
    [4, 8],
  ].entries())
    await recordFeedback(now, { patient: novPatients[i].phone!, appointment: novCodes[i], rating, nps });

  // Loyalty (all booked at the time of their event): +20 per completed visit (4 on 30 October,
  // 3 now) and +50 per feedback (1 on 31 October, 3 now): 130 points outstanding at the end of
  // October and 340 in November, plus 2,000 awarded by hand now to Wuse's patient, who becomes
  // silver: 2,340. Members now: five bronze (the patients with a visit), one silver.
  await awardPoints(now, { patient: wusePatient.phone!, points: 2000, reason: 'welcome bonus' });

  // Campaigns (messages as a send leaves them). October's, to two patients, both delivered.
  // November's, started 5 November with a holdout: sent to three patients (one delivered, one
  // accepted, one later undelivered), failed for one, and two held out (October patient 2 and
  // Wuse's patient). November: 2 accepted, 1 confirmed delivered, 2 failed, delivery rate 0.5.
  const campaign = async (slug: string, snapshot: string, holdoutBps: number | null) =>
    (
      await sqlOnceIn<{ id: string }>(
        `insert into campaign (slug, name, segment, channel, templates, status, holdout_bps, snapshot_at, created_by)
         values ($1, $1, 'all-patients', 'sms', '{"en": "Hello {{first_name}}"}', 'completed', $2, $3, 'ada')
         returning id`,
        [slug, holdoutBps, snapshot],
      )
    )[0].id;
  const recipient = async (
    campaignId: string,
    patient: { id: string; phone?: string | null },
    status: string,
    message?: { status: string; at: string },
  ) => {
    let messageId: string | null = null;
    if (message)
      messageId = (
        await sqlOnceIn<{ id: string }>(
          `insert into messages (channel, recipient, body, purpose, patient_id, provider, status, created_at, updated_at)
           values ('sms', $1, 'Hello', 'campaign', $2, 'twilio', $3, $4, $4) returning id`,
          [patient.phone, patient.id, message.status, message.at],
        )
      )[0].id;
    await sqlOnceIn(
      `insert into campaign_recipients (campaign_id, patient_id, status, message_id, attempted_at)
       values ($1, $2, $3, $4, $5)`,
      [campaignId, patient.id, status, messageId, message?.at ?? null],
    );
  };
  const october = await campaign('oct-hello', '2026-10-12T10:00:00+01:00', null);
  for (const p of novPatients.slice(0, 2))
    await recipient(october, p, 'sent', { status: 'delivered', at: '2026-10-12T10:00:00+01:00' });
  const november = await campaign('nov-checkup', '2026-11-05T10:00:00+01:00', 500);
  const sentAt = '2026-11-05T10:00:00+01:00';
  await recipient(november, novPatients[0], 'sent', { status: 'delivered', at: sentAt });
  await recipient(november, novPatients[1], 'sent', { status: 'sent', at: sentAt });
  await recipient(november, novPatients[2], 'sent', { status: 'undelivered', at: sentAt });
  await recipient(november, octPatients[0], 'failed', { status: 'failed', at: sentAt });
  await recipient(november, octPatients[1], 'holdout');
  await recipient(november, wusePatient, 'holdout');

  // Bookings within 30 days of the November campaign: one by a recipient (10 November) and one
  // by a held-out patient (12 November), both for December (upcoming now: 4 in all).
  await makeAppointment(services(db, { clock: at('2026-11-10T09:00') }), {
    at: '2026-12-03 10:00',
    patient: novPatients[0].phone!,
    doctor,
  });
  await makeAppointment(services(db, { clock: at('2026-11-12T09:00') }), {
    at: '2026-12-04 10:00',
    patient: octPatients[1].phone!,
    doctor,
  });
}, 240_000);

/** One statement through the test's open database. */
async function sqlOnceIn<T>(text: string, params: unknown[]): Promise<T[]> {
  return query<T>(db.em().fork(), text, params);
}

afterAll(async () => {
  await db?.close();
  await tdb?.drop();
});

describe('analytics dashboard', () => {
  it('gives every figure of the period beside the previous one, worked out by hand', async () => {
    const d = await analyticsDashboard(services(db, { clock: NOW }), { period: '2026-11' });
    expect(d.period).toBe('2026-11');
    expect(d.previousPeriod).toBe('2026-10');
    expect(d.hospital).toBeNull();
    expect(d.patients).toEqual({
      total: { value: 6, previous: 2, change: 4 },
      new: { value: 4, previous: 2, change: 2 },
    });
    expect(d.appointments).toEqual({
      upcoming: 4,
      completed: { value: 3, previous: 4, change: -1 },
      noShows: { value: 2, previous: 1, change: 1 },
      noShowRate: { value: 0.4, previous: 0.2, change: 0.2 },
    });
    expect(d.contracts).toEqual({ active: { value: 2, previous: 1, change: 1 }, expiringIn60Days: 1 });
    // October: a ₦500,000 top-up, 10% withholding tax for a company: ₦450,000 net. November not run.
    expect(d.payouts).toEqual({
      byStatus: [],
      netKobo: { value: 0, previous: 45_000_000, change: -45_000_000 },
      topUpKobo: { value: 0, previous: 50_000_000, change: -50_000_000 },
    });
    expect(d.reminders).toEqual({
      byChannel: [
        {
          channel: 'email',
          delivered: 1,
          failed: 0,
          deliveryRate: { value: 1, previous: null, change: null },
        },
        {
          channel: 'sms',
          delivered: 3,
          failed: 1,
          deliveryRate: { value: 0.75, previous: 1, change: -0.25 },
        },
      ],
      deliveryRate: { value: 0.8, previous: 1, change: -0.2 },
    });
    expect(d.ownerSatisfaction).toEqual({
      averageRating: { value: 3.5, previous: 4, change: -0.5 },
      responses: { value: 2, previous: 1, change: 1 },
    });
    // Feedback: November 5, 2, 4 (3.67) and NPS 0 (1 promoter, 1 passive, 1 detractor) against
    // October's single 1 and detractor (−100). Alerts now: October's (overdue) and November's.
    expect(d.feedback).toEqual({
      responses: { value: 3, previous: 1, change: 2 },
      averageRating: { value: 3.67, previous: 1, change: 2.67 },
      nps: { value: 0, previous: -100, change: 100 },
      npsResponses: { value: 3, previous: 1, change: 2 },
      thinSample: true,
      openAlerts: 2,
      overdueAlerts: 1,
    });
    expect(d.loyalty).toEqual({
      tiers: { bronze: 5, silver: 1, gold: 0, platinum: 0 },
      members: 6,
      pointsOutstanding: { value: 2340, previous: 130, change: 2210 },
    });
    // Campaign messages: November 2 accepted (1 delivered), 2 failed: 2 / 4 = 0.5; October 2 of 2.
    expect(d.campaigns).toEqual({
      sent: { value: 2, previous: 2, change: 0 },
      delivered: { value: 1, previous: 2, change: -1 },
      failed: { value: 2, previous: 0, change: 2 },
      deliveryRate: { value: 0.5, previous: 1, change: -0.5 },
    });
  });

  it('for one hospital counts only its own patients, appointments, contracts and payouts', async () => {
    const d = await analyticsDashboard(services(db, { clock: NOW }), { period: '2026-11', hospital: wuse });
    expect(d.hospital).toBe('ABJ-100');
    expect(d.patients.total).toEqual({ value: 1, previous: 0, change: 1 });
    expect(d.appointments.upcoming).toBe(0);
    expect(d.appointments.noShowRate).toEqual({ value: null, previous: null, change: null });
    expect(d.contracts).toEqual({ active: { value: 1, previous: 0, change: 1 }, expiringIn60Days: 1 });
    expect(d.payouts.netKobo).toEqual({ value: 0, previous: 0, change: 0 });
    expect(d.ownerSatisfaction.responses).toEqual({ value: 0, previous: 0, change: 0 });
    // Wuse: no feedback; its one patient is the silver member with 2,000 points, held out of the
    // November campaign (so no campaign messages).
    expect(d.feedback).toMatchObject({
      responses: { value: 0, previous: 0, change: 0 },
      nps: { value: null, previous: null, change: null },
      openAlerts: 0,
      overdueAlerts: 0,
    });
    expect(d.loyalty).toEqual({
      tiers: { bronze: 0, silver: 1, gold: 0, platinum: 0 },
      members: 1,
      pointsOutstanding: { value: 2000, previous: 0, change: 2000 },
    });
    expect(d.campaigns.sent).toEqual({ value: 0, previous: 0, change: 0 });
    expect(d.campaigns.deliveryRate).toEqual({ value: null, previous: null, change: null });
  });

  it('defaults to the month that holds now, and a quarter compares with the quarter before', async () => {
    expect((await analyticsDashboard(services(db, { clock: NOW }), {})).period).toBe('2026-11');
    const q = await analyticsDashboard(services(db, { clock: NOW }), { period: '2026-Q4' });
    expect(q.previousPeriod).toBe('2026-Q3');
    expect(q.appointments.completed).toEqual({ value: 7, previous: 0, change: 7 });
  });

  it('refuses a malformed period and an unknown hospital', async () => {
    const svc = services(db, { clock: NOW });
    await expect(analyticsDashboard(svc, { period: '2026-13' })).rejects.toThrow(/period/);
    await expect(analyticsDashboard(svc, { hospital: 'NOPE-1' })).rejects.toThrow(/NOPE-1/);
  });
});

describe('analytics hospital scorecards', () => {
  it('gives one row per hospital, worked out by hand, for October', async () => {
    const r = await hospitalScorecards(services(db, { clock: NOW }), { period: '2026-10' });
    expect(r.period).toBe('2026-10');
    expect(r.hospitals).toEqual([
      {
        hospital: 'ABJ-100',
        name: 'Hospital ABJ-100',
        revenueKobo: 0,
        ownerShareKobo: 0,
        topUpKobo: 0,
        newPatients: 0,
        activePatients: 0,
        appointments: 0,
        noShowRate: null,
        reminderDelivery: { sms: null, whatsapp: null, email: null },
        averageRating: null,
        feedbackResponses: 0,
        nps: null,
        npsResponses: 0,
        thinSample: true,
        openAlerts: 0,
        overdueAlerts: 0,
      },
      {
        hospital: 'LAG-100',
        name: 'Hospital LAG-100',
        revenueKobo: 0,
        ownerShareKobo: 0,
        topUpKobo: 50_000_000,
        newPatients: 2,
        // four different patients completed the four completed visits
        activePatients: 4,
        appointments: 5,
        noShowRate: 0.2,
        reminderDelivery: { sms: null, whatsapp: null, email: null },
        // October's one feedback: rating 1, NPS 0; alerts stand as now: 2 open, 1 overdue
        averageRating: 1,
        feedbackResponses: 1,
        nps: -100,
        npsResponses: 1,
        thinSample: true,
        openAlerts: 2,
        overdueAlerts: 1,
      },
    ]);
  });

  it('counts November at Ikeja: revenue net of refunds, kept appointments, active patients', async () => {
    const r = await hospitalScorecards(services(db, { clock: NOW }), { period: '2026-11' });
    const lag = r.hospitals.find((c) => c.hospital === 'LAG-100')!;
    expect(lag).toMatchObject({
      revenueKobo: 8_000_000,
      topUpKobo: 0,
      newPatients: 3,
      activePatients: 3,
      // 5 decided, 1 left scheduled on the 16th, 1 on the 25th; the 1 December one is not November's
      appointments: 7,
      noShowRate: 0.4,
      averageRating: 3.67,
      feedbackResponses: 3,
      nps: 0,
      npsResponses: 3,
      thinSample: true,
      openAlerts: 2,
      overdueAlerts: 1,
    });
    expect(r.hospitals.find((c) => c.hospital === 'ABJ-100')).toMatchObject({
      newPatients: 1,
      appointments: 0,
    });
  });

  it('sorts by a figure, largest first and hospitals without one last; refuses an unknown sort', async () => {
    const svc = services(db, { clock: NOW });
    const bySort = await hospitalScorecards(svc, { period: '2026-10', sort: 'no-show-rate' });
    expect(bySort.hospitals.map((c) => c.hospital)).toEqual(['LAG-100', 'ABJ-100']);
    await expect(hospitalScorecards(svc, { sort: 'shoe-size' })).rejects.toThrow(/sort.*shoe-size/);
  });
});

describe('analytics owner', () => {
  it("gives the owner's payouts by period, satisfaction by month and communications", async () => {
    const a = await ownerAnalytics(services(db, { clock: NOW }), ownerEmail);
    expect(a.periods).toEqual([
      {
        period: '2026-10',
        hospitals: ['LAG-100'],
        payouts: 1,
        grossRevenueKobo: 0,
        ownerShareKobo: 0,
        topUpKobo: 50_000_000,
        netKobo: 45_000_000,
        statuses: ['calculated'],
      },
    ]);
    expect(a.totals).toEqual({
      grossRevenueKobo: 0,
      ownerShareKobo: 0,
      topUpKobo: 50_000_000,
      netKobo: 45_000_000,
    });
    expect(a.satisfaction).toEqual([
      { month: '2026-10', ratings: 1, averageRating: 4, wouldRecommendShare: null },
      { month: '2026-11', ratings: 2, averageRating: 3.5, wouldRecommendShare: null },
    ]);
    expect(a.communications).toEqual([
      { month: '2026-11', channel: 'call', direction: 'outbound', count: 1 },
    ]);
  });
});

describe('analytics cohorts', () => {
  it('groups patients by their first completed month and gives the share back in each month after', async () => {
    const r = await retentionCohorts(services(db, { clock: NOW }), { from: '2026-10' });
    // October: four patients' first visits; two of them (the November registrants seen in October)
    // came back in November. November: one patient's first completed visit, no month after yet.
    expect(r).toEqual({
      from: '2026-10',
      to: '2026-11',
      cohorts: [
        { month: '2026-10', patients: 4, retention: [0.5] },
        { month: '2026-11', patients: 1, retention: [] },
      ],
      // November's campaign (October's had no holdout): sent to three, one of whom booked within
      // 30 days (1/3); two held out, one of whom booked (1/2). The failed send is in neither group.
      campaignEffect: [
        {
          campaign: 'nov-checkup',
          name: 'nov-checkup',
          startedAt: '2026-11-05T10:00:00+01:00',
          recipients: { patients: 3, booked: 1, appointments: 1, bookingRate: 0.333333 },
          holdout: { patients: 2, booked: 1, appointments: 1, bookingRate: 0.5 },
          lift: -0.166667,
        },
      ],
    });
  });

  it('a month with no one back reads 0, and a quarter is not a month', async () => {
    const later = await retentionCohorts(services(db, { clock: at('2027-01-05T10:00') }), {
      from: '2026-10',
    });
    expect(later.cohorts[0]).toEqual({ month: '2026-10', patients: 4, retention: [0.5, 0, 0] });
    await expect(retentionCohorts(services(db, { clock: NOW }), { from: '2026-Q4' })).rejects.toThrow(
      /from.*2026-Q4/,
    );
  });
});

describe('analytics journey', () => {
  it("gives the patient's events from every part of crm in time order", async () => {
    const j = await patientJourney(services(db, { clock: NOW }), journeyPatient);
    // The first November registrant: booked for 7 October (before the registration on file:
    // the factories book with October's clock), October's campaign, points for the October
    // visit, then November: registered and two bookings at the same instant (registration
    // first), the visit, the November campaign, the December booking, the visit left scheduled
    // on the 16th, feedback and its points and the visit's points at "now", and December's visit.
    expect(j.events.map((e) => [e.at, e.kind, e.status])).toEqual([
      ['2026-10-01T09:00:00+01:00', 'booked', 'completed'],
      ['2026-10-07T10:00:00+01:00', 'appointment', 'completed'],
      ['2026-10-12T10:00:00+01:00', 'campaign', 'delivered'],
      ['2026-10-30T18:00:00+01:00', 'loyalty', 'earn'],
      ['2026-11-02T09:00:00+01:00', 'registered', null],
      ['2026-11-02T09:00:00+01:00', 'booked', 'completed'],
      ['2026-11-02T09:00:00+01:00', 'booked', 'scheduled'],
      ['2026-11-03T11:00:00+01:00', 'appointment', 'completed'],
      ['2026-11-05T10:00:00+01:00', 'campaign', 'delivered'],
      ['2026-11-10T09:00:00+01:00', 'booked', 'scheduled'],
      ['2026-11-16T09:00:00+01:00', 'appointment', 'scheduled'],
      ['2026-11-20T12:00:00+01:00', 'feedback', 'recorded'],
      ['2026-11-20T12:00:00+01:00', 'loyalty', 'earn'],
      ['2026-11-20T12:00:00+01:00', 'loyalty', 'earn'],
      ['2026-12-03T10:00:00+01:00', 'appointment', 'scheduled'],
    ]);
    const feedback = j.events.find((e) => e.kind === 'feedback')!;
    expect(feedback.detail).toBe('rating 5, NPS 10');
    expect(j.events.filter((e) => e.kind === 'loyalty').map((e) => e.detail?.split(':')[0])).toEqual([
      '+20 points',
      '+20 points',
      '+50 points',
    ]);
    expect(j.events.filter((e) => e.kind === 'campaign').map((e) => e.ref)).toEqual([
      'oct-hello',
      'nov-checkup',
    ]);
    // Each appointment's booking and visit carry the same code.
    const booked = j.events.filter((e) => e.kind === 'booked').map((e) => e.ref);
    const visits = j.events.filter((e) => e.kind === 'appointment').map((e) => e.ref);
    expect(new Set(booked)).toEqual(new Set(visits));
  });

  it('an unknown patient is not found', async () => {
    await expect(patientJourney(services(db, { clock: NOW }), '+2348099999999')).rejects.toThrow(
      /2348099999999/,
    );
  });
});
