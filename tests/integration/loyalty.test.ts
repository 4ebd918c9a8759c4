/**
 * The loyalty programme against a real database: the ledger, its account and lots, earning rules
 * and reversals, tiers and their notices, redemption refusals, expiry and its notices, liability.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeAppointmentStatus } from '../../src/core/appointments/appointment-transitions.js';
import type { Database } from '../../src/core/db/database.js';
import { query, queryOne } from '../../src/core/db/sql.js';
import { addReward } from '../../src/core/loyalty/add-reward.js';
import { adjustPoints } from '../../src/core/loyalty/adjust-points.js';
import { awardPoints } from '../../src/core/loyalty/award-points.js';
import {
  awardFeedbackPoints,
  reverseFeedbackPoints,
  reversePoints,
} from '../../src/core/loyalty/earning-rules.js';
import { expirePoints } from '../../src/core/loyalty/expire-points.js';
import { loyaltyLiability, showLoyalty } from '../../src/core/loyalty/loyalty.queries.js';
import { redeemReward } from '../../src/core/loyalty/redeem-reward.js';
import { fixedClock } from '../../src/core/time.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { makeAppointment, makeDoctor, makeHospital, makePatient } from '../support/factories.js';
import { services } from '../support/services.js';

const NOW = DateTime.fromISO('2026-12-02T10:00:00+01:00');
let tdb: TestDatabase;
let db: Database;
let hospital: string;
const svc = (at: DateTime = NOW) => services(db, { clock: fixedClock(at) });

beforeAll(async () => {
  tdb = await createTestDatabase();
  db = await tdb.open();
  hospital = (await makeHospital(svc())).code;
});
afterAll(async () => {
  await db?.close();
  await tdb?.drop();
});

async function patient(overrides: Record<string, unknown> = {}) {
  return makePatient(svc(), { hospital, ...overrides });
}

async function ledger(patientId: string) {
  return query<{ kind: string; points: string; source_key: string; shortfall: string }>(
    db.em(),
    'select kind, points, source_key, shortfall from loyalty_transactions where patient_id = $1 order by created_at, seq',
    [patientId],
  );
}

/** The invariants: ledger sum = balance row = what the lots hold, and never negative. */
async function expectConsistent(patientId: string) {
  const row = await queryOne<{ ledger: string; balance: string; lots: string }>(
    db.em(),
    `select (select coalesce(sum(points), 0) from loyalty_transactions where patient_id = $1) as ledger,
            (select coalesce(max(balance), 0) from loyalty_account where patient_id = $1) as balance,
            (select coalesce(sum(remaining), 0) from loyalty_lot where patient_id = $1) as lots`,
    [patientId],
  );
  expect(Number(row!.ledger)).toBe(Number(row!.balance));
  expect(Number(row!.lots)).toBe(Number(row!.balance));
  expect(Number(row!.balance)).toBeGreaterThanOrEqual(0);
  return Number(row!.balance);
}

describe('ledger and account', () => {
  it('award: SPEC shape, tier change recorded, notice queued in the patient language', async () => {
    const p = await patient({ language: 'pcm' });
    const first = await awardPoints(svc(), { patient: p.id, points: 2_100, reason: 'welcome' });
    expect(first).toEqual({
      points: 2_100,
      balance: 2_100,
      lifetimePoints: 2_100,
      tier: 'silver',
      tierChanged: true,
    });
    const second = await awardPoints(svc(), { patient: p.id, points: 50, reason: 'survey' });
    expect(second).toEqual({
      points: 50,
      balance: 2_150,
      lifetimePoints: 2_150,
      tier: 'silver',
      tierChanged: false,
    });
    const changes = await query(
      db.em(),
      'select from_tier, to_tier from loyalty_tier_changes where patient_id = $1',
      [p.id],
    );
    expect(changes).toEqual([{ from_tier: 'bronze', to_tier: 'silver' }]);
    const messages = await query<{ body: string; purpose: string; status: string; channel: string }>(
      db.em(),
      'select body, purpose, status, channel from messages where patient_id = $1 and queued_at is not null',
      [p.id],
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ purpose: 'loyalty', status: 'pending', channel: 'sms' });
    expect(messages[0].body).toContain('You don reach Silver');
    await expectConsistent(p.id);
  });

  it('the same source key books once; the database refuses to change or delete history', async () => {
    const p = await patient();
    await awardPoints(svc(), { patient: p.id, points: 10, reason: 'x', key: 'retry-1' });
    const again = await awardPoints(svc(), { patient: p.id, points: 10, reason: 'x', key: 'retry-1' });
    expect(again).toMatchObject({ points: 0, balance: 10 });
    expect(await ledger(p.id)).toHaveLength(1);
    await expect(
      query(db.em(), 'update loyalty_transactions set points = 1000 where patient_id = $1', [p.id]),
    ).rejects.toThrow(/append-only/);
    await expect(
      query(db.em(), 'delete from loyalty_transactions where patient_id = $1', [p.id]),
    ).rejects.toThrow(/append-only/);
    await expect(
      query(db.em(), 'update loyalty_account set balance = 999 where patient_id = $1', [p.id]),
    ).rejects.toThrow(/kept by the ledger/);
    // A lot only shrinks: growing it or moving it to another date is refused.
    await expect(
      query(db.em(), 'update loyalty_lot set remaining = remaining + 1 where patient_id = $1', [p.id]),
    ).rejects.toThrow(/only its remaining points go down/);
    await expect(
      query(
        db.em(),
        `update loyalty_lot set earned_at = earned_at + interval '1 year' where patient_id = $1`,
        [p.id],
      ),
    ).rejects.toThrow(/only its remaining points go down/);
    // An entry that would overdraw fails with its statement, whoever writes it.
    await expect(
      query(
        db.em(),
        `insert into loyalty_transactions (patient_id, points, kind, reason, source_key) values ($1, -11, 'adjust', 'sql', 'manual:sql')`,
        [p.id],
      ),
    ).rejects.toThrow(/loyalty_account_balance_check/);
    expect(await expectConsistent(p.id)).toBe(10);
  });

  it('adjust never goes below zero (exit 5) and takes the oldest points', async () => {
    const p = await patient();
    await awardPoints(svc(NOW.minus({ days: 10 })), { patient: p.id, points: 100, reason: 'old' });
    await awardPoints(svc(), { patient: p.id, points: 100, reason: 'new' });
    await expect(
      adjustPoints(svc(), { patient: p.id, points: -201, reason: 'too much' }),
    ).rejects.toMatchObject({
      exitCode: 5,
      code: 'insufficient_points',
    });
    const r = await adjustPoints(svc(), { patient: p.id, points: -150, reason: 'correction' });
    expect(r).toMatchObject({ points: -150, balance: 50, lifetimePoints: 200, tier: 'bronze' });
    const lots = await query<{ remaining: string }>(
      db.em(),
      'select remaining from loyalty_lot where patient_id = $1 order by earned_at',
      [p.id],
    );
    expect(lots.map((l) => Number(l.remaining))).toEqual([0, 50]);
    await expect(adjustPoints(svc(), { patient: p.id, points: 10, reason: 'x' })).rejects.toMatchObject({
      exitCode: 3,
    });
    await expect(awardPoints(svc(), { patient: p.id, points: 10, reason: ' ' })).rejects.toMatchObject({
      exitCode: 3,
    });
  });
});

describe('earning rules and reversals', () => {
  it('feedback: +50 once per appointment, else once per patient per Lagos day', async () => {
    const p = await patient();
    const at = new Date('2026-12-02T22:30:00Z'); // 23:30 in Lagos
    const a = await awardFeedbackPoints(db.em(), {
      feedbackId: 'f1',
      patientId: p.id,
      appointmentId: null,
      at,
    });
    const b = await awardFeedbackPoints(db.em(), {
      feedbackId: 'f2',
      patientId: p.id,
      appointmentId: null,
      at: new Date('2026-12-02T22:50:00Z'),
    });
    const c = await awardFeedbackPoints(db.em(), {
      feedbackId: 'f3',
      patientId: p.id,
      appointmentId: null,
      at: new Date('2026-12-02T23:10:00Z'), // the next Lagos day
    });
    expect([a.points, b.points, c.points]).toEqual([50, 0, 50]);
    expect((await ledger(p.id)).map((e) => e.source_key)).toEqual([
      `feedback:${p.id}:2026-12-02`,
      `feedback:${p.id}:2026-12-03`,
    ]);
    // Deleting f2 (which earned nothing) reverses nothing; deleting f1 reverses its 50.
    const f = (feedbackId: string, iso: string) => ({
      feedbackId,
      patientId: p.id,
      appointmentId: null,
      at: new Date(iso),
    });
    expect(await reverseFeedbackPoints(db.em(), f('f2', '2026-12-02T22:50:00Z'), 'deleted')).toBeNull();
    expect(await reverseFeedbackPoints(db.em(), f('f1', '2026-12-02T22:30:00Z'), 'deleted')).toMatchObject({
      points: -50,
    });
    expect(await expectConsistent(p.id)).toBe(50);
  });

  it('a reversal takes what is left and records the shortfall, once', async () => {
    const p = await patient();
    await db.em().transactional((em) =>
      awardFeedbackPoints(em, {
        feedbackId: 'f',
        patientId: p.id,
        appointmentId: 'appt-x',
        at: new Date(),
      }),
    );
    await awardPoints(svc(), { patient: p.id, points: 10, reason: 'x' });
    await adjustPoints(svc(), { patient: p.id, points: -40, reason: 'spent' });
    const reversed = await db
      .em()
      .transactional((em) => reversePoints(em, 'feedback:appt-x', 'feedback deleted'));
    expect(reversed).toMatchObject({ points: -20, balance: 0, shortfall: 30 });
    const again = await db
      .em()
      .transactional((em) => reversePoints(em, 'feedback:appt-x', 'feedback deleted'));
    expect(again?.entryId).toBeNull();
    expect(await db.em().transactional((em) => reversePoints(em, 'feedback:none', 'x'))).toBeNull();
    const last = (await ledger(p.id)).at(-1)!;
    expect(last).toMatchObject({
      kind: 'reversal',
      points: '-20',
      shortfall: '30',
      source_key: 'reversal:feedback:appt-x',
    });
    expect(await expectConsistent(p.id)).toBe(0);
    // The reversed earning no longer counts towards the tier.
    const account = await queryOne<{ lifetime_points: string }>(
      db.em(),
      'select lifetime_points from loyalty_account where patient_id = $1',
      [p.id],
    );
    expect(Number(account!.lifetime_points)).toBe(10);
  });

  it('completing an appointment: +20, +100 to the referrer on the first one; completed → no-show reverses both', async () => {
    const referrer = await patient();
    const referred = await patient({ referredBy: referrer.id });
    const doctor = (await makeDoctor(svc(), { hospital })).code;
    const booking = svc(DateTime.fromISO('2026-11-30T08:00:00+01:00'));
    const first = await makeAppointment(booking, { at: '2026-11-30 10:00', patient: referred.id, doctor });
    const second = await makeAppointment(booking, { at: '2026-11-30 11:00', patient: referred.id, doctor });
    await changeAppointmentStatus(svc(), first.code, 'complete');
    await changeAppointmentStatus(svc(), second.code, 'complete');
    expect((await ledger(referred.id)).map((e) => [e.source_key, Number(e.points)]).sort()).toEqual(
      [
        [`appointment:${first.id}`, 20],
        [`appointment:${second.id}`, 20],
      ].sort(),
    );
    expect((await ledger(referrer.id)).map((e) => [e.source_key, Number(e.points)])).toEqual([
      [`referral:${referred.id}`, 100],
    ]);
    // One of two completed visits was a mistake: its points go, the referral stays.
    await changeAppointmentStatus(svc(), second.code, 'no-show');
    expect(await expectConsistent(referred.id)).toBe(20);
    expect(await expectConsistent(referrer.id)).toBe(100);
    // The other too: no completed visit is left, so the referral is reversed as well.
    await changeAppointmentStatus(svc(), first.code, 'no-show');
    expect(await expectConsistent(referred.id)).toBe(0);
    expect(await expectConsistent(referrer.id)).toBe(0);
  });
});

describe('rewards and redemption', () => {
  it('refuses with the reason: tier too low, insufficient points, out of stock, disabled', async () => {
    const p = await patient();
    await awardPoints(svc(), { patient: p.id, points: 2_600, reason: 'x' });
    const gold = await addReward(svc(), { name: 'Spa day', cost: 100, minTier: 'gold' });
    const one = await addReward(svc(), { name: 'Checkup', cost: 500, minTier: 'silver', stock: 1 });
    expect(one).toMatchObject({ code: expect.stringMatching(/^RW-\d{4}$/), stock: 1, disabled: false });
    await expect(redeemReward(svc(), { patient: p.id, reward: gold.code })).rejects.toThrow(/tier too low/);
    const r = await redeemReward(svc(), { patient: p.id, reward: one.code.toLowerCase() });
    expect(r).toMatchObject({ points: 500, balance: 2_100, stockLeft: 0 });
    await expect(redeemReward(svc(), { patient: p.id, reward: one.code })).rejects.toThrow(/out of stock/);
    const big = await addReward(svc(), { name: 'Big', cost: 3_000, minTier: 'bronze' });
    await expect(redeemReward(svc(), { patient: p.id, reward: big.code })).rejects.toMatchObject({
      exitCode: 5,
      message: expect.stringMatching(/insufficient points/),
    });
    await expect(addReward(svc(), { name: 'x', cost: 1, minTier: 'diamond' })).rejects.toMatchObject({
      exitCode: 3,
    });
    expect(await expectConsistent(p.id)).toBe(2_100);
  });
});

describe('expiry', () => {
  it('expires lots older than 12 months as of a date, once; notices once per patient and expiry date', async () => {
    const p = await patient();
    const old = NOW.minus({ months: 13 });
    await awardPoints(svc(old), { patient: p.id, points: 300, reason: 'old' });
    await awardPoints(svc(NOW.minus({ months: 11, days: 20 })), {
      patient: p.id,
      points: 70,
      reason: 'soon',
    });
    await adjustPoints(svc(old.plus({ days: 1 })), { patient: p.id, points: -100, reason: 'spent' });
    const dry = await expirePoints(svc(), { asOf: NOW.toISODate()!, dryRun: true, notifyDays: 14 });
    expect(dry).toMatchObject({ dryRun: true });
    expect(dry.points).toBeGreaterThanOrEqual(200);
    expect(await expectConsistent(p.id)).toBe(270);
    const run = await expirePoints(svc(), { asOf: NOW.toISODate()!, notifyDays: 14 });
    expect(run.points).toBeGreaterThanOrEqual(200);
    expect((await ledger(p.id)).filter((e) => e.kind === 'expire').map((e) => Number(e.points))).toEqual([
      -200,
    ]);
    const again = await expirePoints(svc(), { asOf: NOW.toISODate()!, notifyDays: 14 });
    expect(await expectConsistent(p.id)).toBe(70);
    expect((await ledger(p.id)).filter((e) => e.kind === 'expire')).toHaveLength(1);
    const notices = await query(
      db.em(),
      `select reference from messages where patient_id = $1 and reference like 'loyalty-expiry:%'`,
      [p.id],
    );
    expect(notices).toHaveLength(1);
    expect(again.notices).toBe(0);
    const shown = await showLoyalty(svc(), p.id);
    expect(shown.nextExpiry).toEqual({
      date: NOW.minus({ months: 11, days: 20 }).plus({ months: 12 }).toISODate(),
      points: 70,
    });
  });

  it('liability: points outstanding, naira value, expiring within 30/60/90 days', async () => {
    const h = (await makeHospital(svc())).code;
    const p = await makePatient(svc(), { hospital: h });
    await awardPoints(svc(NOW.minus({ months: 11, days: 15 })), { patient: p.id, points: 100, reason: 'a' });
    await awardPoints(svc(NOW.minus({ months: 10, days: 15 })), { patient: p.id, points: 40, reason: 'b' });
    await awardPoints(svc(), { patient: p.id, points: 7, reason: 'c' });
    const view = await loyaltyLiability(svc(), { hospital: h });
    expect(view).toMatchObject({
      hospital: h,
      patients: 1,
      pointsOutstanding: 147,
      pointValueKobo: 100,
      valueKobo: 14_700,
    });
    expect(view.expiring).toEqual([
      { withinDays: 30, points: 100, valueKobo: 10_000 },
      { withinDays: 60, points: 140, valueKobo: 14_000 },
      { withinDays: 90, points: 140, valueKobo: 14_000 },
    ]);
  });
});

describe('FIFO against a reference model (property)', () => {
  it('random earn/adjust/redeem/reverse/expire: ledger sum = balance row = lots, never negative, lots as the model says', async () => {
    const op = fc.oneof(
      fc.record({
        t: fc.constant('earn' as const),
        points: fc.integer({ min: 1, max: 300 }),
        ageDays: fc.integer({ min: 0, max: 500 }),
      }),
      fc.record({ t: fc.constant('take' as const), points: fc.integer({ min: 1, max: 400 }) }),
      fc.record({ t: fc.constant('reverse' as const), which: fc.nat() }),
      fc.record({ t: fc.constant('expire' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 10 }), async (ops) => {
        const p = await patient();
        // Reference: lots [earnedAt, remaining, key], oldest first.
        const model: { at: number; left: number; key: string; reversed: boolean }[] = [];
        let n = 0;
        for (const o of ops) {
          const balance = model.reduce((s, l) => s + l.left, 0);
          if (o.t === 'earn') {
            const at = NOW.minus({ days: o.ageDays, seconds: n++ });
            const key = `prop-${p.id}-${n}`;
            await awardPoints(svc(at), { patient: p.id, points: o.points, reason: 'p', key });
            model.push({ at: at.toMillis(), left: o.points, key: `manual:${key}`, reversed: false });
            model.sort((a, b) => a.at - b.at);
          } else if (o.t === 'take') {
            if (o.points > balance) {
              await expect(
                adjustPoints(svc(), { patient: p.id, points: -o.points, reason: 'p' }),
              ).rejects.toMatchObject({
                exitCode: 5,
              });
              continue;
            }
            await adjustPoints(svc(), { patient: p.id, points: -o.points, reason: 'p' });
            let want = o.points;
            for (const l of model) {
              const take = Math.min(l.left, want);
              l.left -= take;
              want -= take;
            }
          } else if (o.t === 'reverse') {
            const candidates = model.filter((l) => !l.reversed);
            if (candidates.length === 0) continue;
            const lot = candidates[o.which % candidates.length];
            const original = Number(
              (await queryOne<{ points: string }>(
                db.em(),
                'select points from loyalty_transactions where source_key = $1',
                [lot.key],
              ))!.points,
            );
            await db.em().transactional((em) => reversePoints(em, lot.key, 'p', NOW.toJSDate()));
            lot.reversed = true;
            let want = Math.min(original, balance);
            const own = Math.min(lot.left, want);
            lot.left -= own;
            want -= own;
            for (const l of model) {
              const take = Math.min(l.left, want);
              l.left -= take;
              want -= take;
            }
          } else {
            await expirePoints(svc(), { asOf: NOW.toISODate()! });
            const cutoff = NOW.plus({ days: 1 }).startOf('day').minus({ months: 12 }).toMillis();
            for (const l of model) if (l.at <= cutoff) l.left = 0;
          }
        }
        const balance = await expectConsistent(p.id);
        expect(balance).toBe(model.reduce((s, l) => s + l.left, 0));
        const lots = await query<{ remaining: string }>(
          db.em(),
          'select remaining from loyalty_lot where patient_id = $1 order by earned_at, transaction_id',
          [p.id],
        );
        expect(lots.map((l) => Number(l.remaining))).toEqual(model.map((l) => l.left));
      }),
      { numRuns: 15 },
    );
  }, 180_000);
});
