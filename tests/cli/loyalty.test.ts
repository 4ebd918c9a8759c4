/**
 * `crm loyalty` end to end through the built binary, on PostgreSQL and on the embedded database:
 * award → tier change → notice queued; redeem; expire --as-of; a completed appointment marked
 * no-show reverses its points; the --json shapes.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awardPoints } from '../../src/core/loyalty/award-points.js';
import { fixedClock } from '../../src/core/time.js';
import { jsonOf, runCli } from '../support/cli.js';
import { createTestDatabase, sqlOnce, type TestDatabase } from '../support/db.js';
import { makeAppointment, makeDoctor, makeHospital, makePatient } from '../support/factories.js';
import { services } from '../support/services.js';

const NOW = '2026-12-02T10:00:00+01:00';

describe('crm loyalty', () => {
  let tdb: TestDatabase;
  let env: Record<string, string>;
  let phone: string;
  let visitor: { id: string; appointment: string };

  beforeAll(async () => {
    tdb = await createTestDatabase();
    env = { ...tdb.env, CRM_NOW: NOW };
    const db = await tdb.open();
    try {
      const at = (iso: string) => services(db, { clock: fixedClock(DateTime.fromISO(iso)) });
      const hospital = (await makeHospital(at(NOW))).code;
      const p = await makePatient(at(NOW), { hospital, language: 'yo' });
      phone = p.phone!;
      // 2,000 points earned 13 months ago: they expire by the as-of date below.
      await awardPoints(at('2025-11-01T09:00:00+01:00'), { patient: p.id, points: 1_990, reason: 'old' });
      const doctor = (await makeDoctor(at(NOW), { hospital })).code;
      const v = await makePatient(at(NOW), { hospital });
      const appointment = await makeAppointment(at('2026-11-30T08:00:00+01:00'), {
        at: '2026-11-30 10:00',
        patient: v.id,
        doctor,
      });
      visitor = { id: v.id, appointment: appointment.code };
    } finally {
      await db.close();
    }
  });
  afterAll(async () => {
    await tdb?.drop();
  });

  it('award prints the SPEC shape, changes the tier and queues the notice', {
    timeout: 300_000,
  }, async () => {
    const r = jsonOf(
      await runCli(['loyalty', 'award', phone, '--points', '160', '--reason', 'survey', '--json'], env),
    );
    expect(Object.keys(r)).toEqual(['points', 'balance', 'lifetimePoints', 'tier', 'tierChanged']);
    expect(r).toEqual({
      points: 160,
      balance: 2_150,
      lifetimePoints: 2_150,
      tier: 'silver',
      tierChanged: true,
    });
    const messages = await sqlOnce<{ purpose: string; status: string }>(
      tdb,
      `select m.purpose, m.status from messages m join patient p on p.id = m.patient_id
       where p.phone = $1 and m.queued_at is not null`,
      [phone],
    );
    expect(messages).toEqual([{ purpose: 'loyalty', status: 'pending' }]);
    const bad = await runCli(['loyalty', 'adjust', phone, '--points', '-99999', '--reason', 'x'], env);
    expect(bad.code).toBe(5);
    expect(bad.stderr).toContain('crm: error: insufficient points: the patient has 2150, 99999 needed\n');
  });

  it('reward add → list → redeem; show and patient show carry the standing', {
    timeout: 300_000,
  }, async () => {
    const reward = jsonOf(
      await runCli(
        [
          'loyalty',
          'reward',
          'add',
          '--name',
          'Free checkup',
          '--cost',
          '150',
          '--min-tier',
          'silver',
          '--stock',
          '5',
          '--json',
        ],
        env,
      ),
    );
    expect(reward).toEqual({
      code: 'RW-0001',
      name: 'Free checkup',
      cost: 150,
      minTier: 'silver',
      stock: 5,
      disabled: false,
    });
    const redeemed = jsonOf(await runCli(['loyalty', 'redeem', phone, '--reward', 'RW-0001', '--json'], env));
    expect(redeemed).toMatchObject({
      reward: 'RW-0001',
      points: 150,
      balance: 2_000,
      tier: 'silver',
      stockLeft: 4,
    });
    const show = jsonOf(await runCli(['loyalty', 'show', phone, '--json'], env));
    expect(show).toMatchObject({
      balance: 2_000,
      lifetimePoints: 2_150,
      tier: 'silver',
      nextTier: 'gold',
      pointsToNextTier: 2_850,
      nextExpiry: { date: '2026-11-01', points: 1_840 },
    });
    expect(show.history.map((h: { kind: string }) => h.kind)).toEqual(['redeem', 'earn', 'earn']);
    const patient = jsonOf(await runCli(['patient', 'show', phone, '--json'], env));
    expect(patient.loyalty).toMatchObject({ balance: 2_000, tier: 'silver' });
  });

  it('expire --as-of: asks without --yes, dry run writes nothing, then expires once', {
    timeout: 300_000,
  }, async () => {
    const refused = await runCli(['loyalty', 'expire', '--as-of', '2026-12-01'], env);
    expect(refused.code).toBe(2);
    // The refusal says what the expiry would do (the dry run's figures).
    expect(refused.stderr).toMatch(
      /pass --yes \(it would expire \d+ points of \d+ patient\(s\) \(\d+ lot\(s\)/,
    );
    const dry = jsonOf(
      await runCli(['loyalty', 'expire', '--as-of', '2026-12-01', '--dry-run', '--json'], env),
    );
    expect(dry).toEqual({
      asOf: '2026-12-01',
      dryRun: true,
      patients: 1,
      lots: 1,
      points: 1_840,
      notices: 0,
    });
    const run = jsonOf(await runCli(['loyalty', 'expire', '--as-of', '2026-12-01', '--yes', '--json'], env));
    expect(run).toEqual({ ...dry, dryRun: false });
    const again = jsonOf(
      await runCli(['loyalty', 'expire', '--as-of', '2026-12-01', '--yes', '--json'], env),
    );
    expect(again).toMatchObject({ patients: 0, lots: 0, points: 0 });
    const liability = jsonOf(await runCli(['loyalty', 'liability', '--json'], env));
    expect(liability).toMatchObject({ pointsOutstanding: 160, valueKobo: 16_000 });
  });

  it('completing an appointment earns 20; marking it no-show afterwards reverses them', {
    timeout: 300_000,
  }, async () => {
    expect((await runCli(['appointment', 'complete', visitor.appointment], env)).code).toBe(0);
    expect(jsonOf(await runCli(['loyalty', 'show', visitor.id, '--json'], env)).balance).toBe(20);
    expect((await runCli(['appointment', 'no-show', visitor.appointment], env)).code).toBe(0);
    const show = jsonOf(await runCli(['loyalty', 'show', visitor.id, '--json'], env));
    expect(show.balance).toBe(0);
    expect(show.history[0]).toMatchObject({
      kind: 'reversal',
      points: -20,
      sourceKey: expect.stringMatching(/^reversal:appointment:/),
    });
  });
});
