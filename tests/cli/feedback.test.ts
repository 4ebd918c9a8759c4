/**
 * Feedback from the built binary, on the database the run is configured for (PostgreSQL with
 * DATABASE_URL, else the embedded one): feedback → alert (message row queued) → `message send`
 * delivers the alert e-mail to the fake SendGrid → acknowledge → resolve; suggestions, NPS,
 * deletion, and the JSON shapes of each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { type FakeProvider, startFakeProvider } from '../support/fake-provider.js';
import { fakeProviderEnv } from '../support/reminders-seed.js';

let tdb: TestDatabase;
let fake: FakeProvider;
const BOOKING = '2026-11-20T12:00:00+01:00';
const AFTER_VISIT = '2026-11-24T12:00:00+01:00';
const THREE_DAYS_LATER = '2026-11-27T12:00:00+01:00';

beforeAll(async () => {
  [tdb, fake] = await Promise.all([createTestDatabase(), startFakeProvider()]);
});
afterAll(async () => {
  await tdb?.drop();
  await fake?.close();
});

const crm = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { ...tdb.env, CRM_NOW: AFTER_VISIT, CRM_OPERATOR: 'chioma', ...env });
const ok = async (args: string[], env: Record<string, string> = {}) => {
  const r = await crm(args, env);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
};
const json = async (args: string[], env: Record<string, string> = {}) =>
  JSON.parse((await ok([...args, '--json'], env)).stdout);

describe('feedback commands end to end', () => {
  it('feedback → alert and queued e-mail → message send → acknowledge → resolve; suggestions, NPS, delete', async () => {
    for (const args of [
      [
        'hospital',
        'add',
        '--code',
        'LAG-001',
        '--name',
        'Lagos Island',
        '--state',
        'Lagos',
        '--city',
        'Lagos',
        '--manager-email',
        'service@lagos-island.example',
      ],
      ['hospital', 'add', '--code', 'KAN-001', '--name', 'Kano Central', '--state', 'Kano', '--city', 'Kano'],
      [
        'patient',
        'add',
        '--first-name',
        'Ada',
        '--last-name',
        'Obi',
        '--phone',
        '08031234567',
        '--hospital',
        'LAG-001',
      ],
      [
        'patient',
        'add',
        '--first-name',
        'Musa',
        '--last-name',
        'Bello',
        '--phone',
        '08031234568',
        '--hospital',
        'KAN-001',
      ],
      ['doctor', 'add', '--hospital', 'LAG-001', '--name', 'Dr. Ngozi Okafor', '--department', 'cardiology'],
      ['doctor', 'availability', 'DR-0001', '--day', 'mon', '--from', '09:00', '--to', '13:00'],
    ])
      await ok(args, { CRM_NOW: BOOKING });
    await ok(
      [
        'appointment',
        'schedule',
        '--patient',
        '08031234567',
        '--doctor',
        'DR-0001',
        '--type',
        'consultation',
        '--at',
        '2026-11-23 10:00',
      ],
      { CRM_NOW: BOOKING },
    );
    await ok(['appointment', 'complete', 'AP-000001']);

    // A low rating: the alert opens and its e-mail is queued, in the same transaction.
    const feedback = await json([
      'feedback',
      'record',
      '08031234567',
      '--appointment',
      'AP-000001',
      '--rating',
      '2',
      '--category',
      'wait_time=1',
      '--category',
      'doctor=5',
      '--nps',
      '3',
      '--comment',
      'Waited three hours',
      '--suggestion',
      'Text patients when the doctor is running late',
    ]);
    expect(feedback).toEqual({
      id: expect.any(String),
      code: 'FB-000001',
      patient: { id: expect.any(String), name: 'Ada Obi' },
      hospital: 'LAG-001',
      appointment: 'AP-000001',
      doctor: 'DR-0001',
      rating: 2,
      // +50 loyalty points for feedback on an appointment, whatever the rating
      loyaltyPoints: 50,
      nps: 3,
      categories: { doctor: 5, wait_time: 1 },
      comment: 'Waited three hours',
      submittedAt: AFTER_VISIT,
      deletedAt: null,
      deleteReason: null,
      alert: {
        code: 'AL-2026-0001',
        status: 'open',
        hospital: 'LAG-001',
        feedback: 'FB-000001',
        reason: 'rating 2/5; wait_time 1/5',
        openedAt: AFTER_VISIT,
        dueAt: '2026-11-26T12:00:00+01:00',
        overdue: false,
        acknowledgedAt: null,
        acknowledgedBy: null,
        resolvedAt: null,
        resolvedBy: null,
        resolutionNote: null,
        emailQueued: true,
      },
      suggestion: {
        code: 'SG-000001',
        hospital: 'LAG-001',
        feedback: 'FB-000001',
        text: 'Text patients when the doctor is running late',
        status: 'new',
        note: null,
        createdAt: AFTER_VISIT,
        statusChangedAt: null,
        statusChangedBy: null,
      },
    });

    // Refusals: one line, exit 5 / 3, nothing written.
    const again = await crm([
      'feedback',
      'record',
      '08031234567',
      '--appointment',
      'AP-000001',
      '--rating',
      '5',
    ]);
    expect(again.code).toBe(5);
    expect(again.stderr).toMatch(
      /crm: error: appointment AP-000001 already has feedback FB-000001; one feedback per appointment\n$/,
    );
    const bad = await crm(['feedback', 'record', '08031234567', '--rating', '9']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/crm: error: --rating: expected a whole number from 1 to 5 \(got "9"\)\n$/);
    const unknown = await crm(['feedback', 'record', '08031234567', '--rating', '3', '--category', 'food=1']);
    expect(unknown.code).toBe(3);

    const queued = await json(['message', 'list', '--purpose', 'alert']);
    expect(queued).toMatchObject([{ channel: 'email', purpose: 'alert', status: 'pending' }]);

    // The outbox sender sends the alert e-mail to the fake SendGrid, once.
    const dry = await json(['message', 'send', '--dry-run']);
    expect(dry).toMatchObject({
      dryRun: true,
      messages: [{ channel: 'email', purpose: 'alert', action: 'send' }],
    });
    const sent = await json(['message', 'send'], fakeProviderEnv(fake));
    expect(sent).toEqual({ sent: 1, failed: 0, deferred: 0, skipped: 0, retrying: 0, recovered: 0 });
    expect(fake.sendgridMails()).toHaveLength(1);
    const mail = fake.sendgridMails()[0].body;
    expect(mail.personalizations[0].to[0].email).toBe('service@lagos-island.example');
    expect(mail.subject).toContain('AL-2026-0001');
    expect(await json(['message', 'send'], fakeProviderEnv(fake))).toMatchObject({ sent: 0 });
    expect(fake.sendgridMails()).toHaveLength(1);

    // `reminder send` keeps its exact JSON; the outbox's counts go to stderr.
    const reminders = await crm(['reminder', 'send', '--json'], fakeProviderEnv(fake));
    expect(reminders.code, reminders.stderr).toBe(0);
    expect(JSON.parse(reminders.stdout)).toEqual({
      sent: 0,
      failed: 0,
      deferred: 0,
      expired: 0,
      retrying: 0,
    });
    expect(reminders.stderr).toContain('outbox: sent 0, failed 0');

    // Without a manager e-mail the alert opens, and the operator is told nobody was e-mailed.
    const kano = await crm(['feedback', 'record', '08031234568', '--rating', '1'], {
      CRM_NOW: '2026-11-26T12:00:00+01:00',
    });
    expect(kano.code, kano.stderr).toBe(0);
    expect(kano.stderr).toContain('alert AL-2026-0002 is open, but hospital KAN-001 has no manager e-mail');

    // Three days on the first alert is overdue: listed first and marked.
    const alerts = await json(['feedback', 'alerts'], { CRM_NOW: THREE_DAYS_LATER });
    expect(alerts.map((a: { code: string; overdue: boolean }) => [a.code, a.overdue])).toEqual([
      ['AL-2026-0001', true],
      ['AL-2026-0002', false],
    ]);
    const table = await ok(['feedback', 'alerts', '--overdue'], { CRM_NOW: THREE_DAYS_LATER });
    expect(table.stdout.split('\n')[1]).toMatch(/^OVERDUE\tAL-2026-0001\topen\t/);

    const acked = await json(['feedback', 'acknowledge', 'AL-2026-0001']);
    expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'chioma' });
    const resolved = await json([
      'feedback',
      'resolve',
      'AL-2026-0001',
      '--note',
      'Called Ada; triage desk now opens at 8',
    ]);
    expect(resolved).toMatchObject({
      status: 'resolved',
      resolvedBy: 'chioma',
      resolutionNote: 'Called Ada; triage desk now opens at 8',
    });
    const twice = await crm(['feedback', 'resolve', 'AL-2026-0001', '--note', 'again']);
    expect(twice.code).toBe(5);
    expect(twice.stderr).toMatch(/crm: error: alert AL-2026-0001 is already resolved \(by chioma\)\n$/);
    const audit = await json(['audit', 'list', '--entity', 'feedback_alert']);
    expect(
      audit.entries.filter((e: { operator: string }) => e.operator === 'chioma').length,
    ).toBeGreaterThanOrEqual(3);

    // Suggestions.
    expect(await json(['feedback', 'suggestions', '--hospital', 'LAG-001', '--status', 'new'])).toMatchObject(
      [{ code: 'SG-000001', status: 'new' }],
    );
    expect(
      await json([
        'feedback',
        'suggestion',
        'set-status',
        'SG-000001',
        'planned',
        '--note',
        'SMS in January',
      ]),
    ).toMatchObject({
      code: 'SG-000001',
      status: 'planned',
      note: 'SMS in January',
    });
    expect((await crm(['feedback', 'suggestion', 'set-status', 'SG-000001', 'new'])).code).toBe(5);

    // NPS by hospital: thin samples flagged.
    const nps = await json(['feedback', 'nps', '--by', 'hospital', '--period', '2026-11']);
    expect(nps).toMatchObject({
      by: 'hospital',
      period: '2026-11',
      groups: [
        { key: 'KAN-001', responses: 1, npsResponses: 0, nps: null, thinSample: true, averageRating: 1 },
        {
          key: 'LAG-001',
          responses: 1,
          npsResponses: 1,
          detractors: 1,
          nps: -100,
          thinSample: true,
          averageRating: 2,
        },
      ],
    });
    const npsTable = await ok(['feedback', 'nps', '--by', 'hospital']);
    expect(npsTable.stdout).toMatch(/LAG-001\tLagos Island\t-100\.0\tTHIN\t1\t/);

    // Delete: soft, with the reason; gone from the list, still shown.
    expect(await json(['feedback', 'delete', 'FB-000001', '--reason', 'entered twice'])).toMatchObject({
      code: 'FB-000001',
      deletedBy: 'chioma',
      reason: 'entered twice',
    });
    expect((await json(['feedback', 'list'])).map((f: { code: string }) => f.code)).toEqual(['FB-000002']);
    expect(await json(['feedback', 'show', 'FB-000001'])).toMatchObject({ deleteReason: 'entered twice' });
    expect((await crm(['feedback', 'delete', 'FB-000001', '--reason', 'again'])).code).toBe(5);
  }, 1_800_000);
});
