import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/core/db/database.js';
import { query } from '../../src/core/db/sql.js';
import { deleteFeedback } from '../../src/core/feedback/delete-feedback.js';
import { recordFeedback } from '../../src/core/feedback/record-feedback.js';
import { showLoyalty } from '../../src/core/loyalty/loyalty.queries.js';
import { fixedClock } from '../../src/core/time.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { makeHospital, makePatient } from '../support/factories.js';
import { services } from '../support/services.js';

/** Feedback and the loyalty programme together: +50 per feedback, reversed when it is deleted. */
let tdb: TestDatabase;
let db: Database;
const clock = fixedClock(DateTime.fromISO('2026-11-20T10:00:00+01:00'));

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = await tdb.open();
}, 120_000);
afterAll(async () => {
  await db?.close();
  await tdb?.drop();
});

async function patientWithHospital() {
  const svc = services(db, { clock });
  const hospital = (await makeHospital(svc)).code;
  return makePatient(svc, { hospital });
}

const balanceOf = async (phone: string) => (await showLoyalty(services(db, { clock }), phone)).balance;

describe('feedback and loyalty points', () => {
  it('feedback earns 50 points once per Lagos day without an appointment, whatever the rating', async () => {
    const phone = (await patientWithHospital()).phone!;
    const first = await recordFeedback(services(db, { clock }), { patient: phone, rating: 1 });
    const second = await recordFeedback(services(db, { clock }), { patient: phone, rating: 5 });
    expect(first.loyaltyPoints).toBe(50);
    expect(second.loyaltyPoints).toBe(0);
    expect(await balanceOf(phone)).toBe(50);
  });

  it('deleting feedback reverses the points it earned, and only those; never twice', async () => {
    const patient = await patientWithHospital();
    const phone = patient.phone!;
    const first = await recordFeedback(services(db, { clock }), { patient: phone, rating: 4 });
    const second = await recordFeedback(services(db, { clock }), { patient: phone, rating: 3 });
    // The second earned nothing (the day's key was taken): deleting it takes nothing back.
    await deleteFeedback(services(db, { clock }), second.code, 'duplicate entry');
    expect(await balanceOf(phone)).toBe(50);
    await deleteFeedback(services(db, { clock }), first.code, 'entered for the wrong patient');
    expect(await balanceOf(phone)).toBe(0);
    const entries = await query<{ kind: string; points: string; source_key: string }>(
      db.em(),
      'select kind, points, source_key from loyalty_transactions where patient_id = $1 order by created_at, kind',
      [patient.id],
    );
    expect(entries.map((e) => [e.kind, Number(e.points)])).toEqual([
      ['earn', 50],
      ['reversal', -50],
    ]);
  });
});
