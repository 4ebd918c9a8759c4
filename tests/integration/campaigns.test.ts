import { DateTime } from 'luxon';
import { beforeEach, describe, expect, it } from 'vitest';
import { campaignStatus } from '../../src/core/campaigns/campaign-status.js';
import { parseTemplateFile } from '../../src/core/campaigns/campaign-template.js';
import { cancelCampaign } from '../../src/core/campaigns/cancel-campaign.js';
import { type CreateCampaignInput, createCampaign } from '../../src/core/campaigns/create-campaign.js';
import { previewCampaign } from '../../src/core/campaigns/preview-campaign.js';
import { resumeCampaign } from '../../src/core/campaigns/resume-campaign.js';
import { sendCampaign } from '../../src/core/campaigns/send-campaign.js';
import { startCampaignSend } from '../../src/core/campaigns/start-campaign-send.js';
import { query } from '../../src/core/db/sql.js';
import { awardPoints } from '../../src/core/loyalty/award-points.js';
import { realMessengers } from '../../src/core/messaging/messaging.runtime.js';
import { isOptOutReply } from '../../src/core/messaging/opt-out-replies.js';
import { syncMessages } from '../../src/core/messaging/sync-messages.js';
import { mergePatients } from '../../src/core/patients/merge-patients.js';
import { type Clock, fixedClock, LAGOS } from '../../src/core/time.js';
import { onPostgres } from '../support/db.js';
import { makeHospital, makeOwner, makePatient } from '../support/factories.js';
import { messagingTestbed } from '../support/messaging-testbed.js';
import { TWILIO_SMS_FROM, TWILIO_WHATSAPP_FROM } from '../support/reminders-seed.js';
import { services } from '../support/services.js';

const bed = messagingTestbed();
const MORNING = fixedClock(DateTime.fromISO('2026-12-02T10:00:00', { zone: LAGOS }));
const ctx = (clock: Clock = MORNING) => services(bed.db, { clock });
const send = (ref: string, options: Parameters<typeof sendCampaign>[4] = {}, clock: Clock = MORNING) =>
  sendCampaign(ctx(clock), bed.config, realMessengers(bed.config), ref, {
    sleep: async () => {},
    ...options,
  });
const create = (input: Partial<CreateCampaignInput>) =>
  createCampaign(ctx(), {
    name: 'December checkup',
    segment: 'all-patients',
    channel: 'sms',
    templates: { en: 'Hello {{first_name}}, book your checkup at {{hospital_name}}.' },
    ...input,
  });
const smsBodies = () =>
  bed.fake
    .requestsFor('twilio.messages.create')
    .map((r) => ({ to: r.form!.To as string, body: r.form!.Body as string }));

beforeEach(async () => {
  await query(bed.db.em(), 'truncate campaign, campaign_recipients cascade');
});

describe('campaign create', () => {
  it('refuses what a send would trip over, at create time (exit 3)', async () => {
    const refused = [
      { templates: { en: 'Hi {{frist_name}}' } },
      { templates: { en: 'Your appointment {{appointment_time}}' } },
      { channel: 'whatsapp' },
      { channel: 'email' },
      { templates: { pcm: 'How far {{first_name}}' } },
      { segment: 'everyone' },
    ];
    for (const input of refused) await expect(create(input as never)).rejects.toMatchObject({ exitCode: 3 });
    expect((await query(bed.db.em(), 'select * from campaign')).length).toBe(0);
  });

  it('makes the slug from the name, with a numeric suffix when taken', async () => {
    expect((await create({})).slug).toBe('december-checkup');
    expect((await create({})).slug).toBe('december-checkup-2');
    expect((await create({ name: 'December  Checkup!' })).slug).toBe('december-checkup-3');
  });

  it('reads language variants from a template file', () => {
    const t = parseTemplateFile(
      '# comment\n[en]\nHello {{first_name}}\n\n[pcm]\nHow far {{first_name}}\n[yo]\nẸ n lẹ {{first_name}}\n',
    );
    expect(t).toEqual({
      en: 'Hello {{first_name}}',
      pcm: 'How far {{first_name}}',
      yo: 'Ẹ n lẹ {{first_name}}',
    });
    expect(parseTemplateFile('Just English {{first_name}}\n')).toEqual({ en: 'Just English {{first_name}}' });
    expect(() => parseTemplateFile('[fr]\nBonjour')).toThrow(/unknown language/);
  });
});

describe('WhatsApp templates per language', () => {
  const SID = (n: number) => `HX${String(n).repeat(32)}`;
  const TEMPLATES = {
    en: 'Hello {{first_name}}, {{hospital_name}} has a checkup for you',
    yo: '{{hospital_name}}: Ẹ n lẹ {{first_name}}',
  };

  it('refuses a variant without its approved template, a SID for a missing text, and no English one', async () => {
    const refused = [
      `en=${SID(1)}`, // the yo variant has none
      `en=${SID(1)},yo=${SID(2)},ha=${SID(3)}`, // no Hausa text
      `yo=${SID(2)}`, // no English fallback
      `en=${SID(1)},fr=${SID(2)}`,
      `en=${SID(1)},yo=HX12`,
    ];
    for (const contentSid of refused)
      await expect(
        create({ channel: 'whatsapp', templates: TEMPLATES, contentSid }),
        contentSid,
      ).rejects.toMatchObject({ exitCode: 3 });
    expect((await query(bed.db.em(), 'select * from campaign')).length).toBe(0);
  });

  it("sends each language's own Content SID, its variables numbered in that template's order", async () => {
    const h = await makeHospital(ctx(), { name: 'Ibadan Central' });
    const whatsapp = { sms: true, whatsapp: true };
    const ada = await makePatient(ctx(), {
      firstName: 'Ada',
      hospital: h.code,
      language: 'en',
      consent: whatsapp,
    });
    const bola = await makePatient(ctx(), {
      firstName: 'Bola',
      hospital: h.code,
      language: 'yo',
      consent: whatsapp,
    });
    const musa = await makePatient(ctx(), {
      firstName: 'Musa',
      hospital: h.code,
      language: 'ha',
      consent: whatsapp,
    });
    const c = await create({
      name: 'Checkup by WhatsApp',
      hospital: h.code,
      channel: 'whatsapp',
      templates: TEMPLATES,
      contentSid: `en=${SID(1)}, yo=${SID(2)}`,
    });
    expect(c).toMatchObject({ contentSid: SID(1), contentSids: { en: SID(1), yo: SID(2) } });
    expect(await send(c.slug)).toMatchObject({ successCount: 3, failureCount: 0 });
    const sent = Object.fromEntries(
      bed.fake
        .requestsFor('twilio.messages.create')
        .map((r) => [
          String(r.form!.To).replace('whatsapp:', ''),
          { sid: r.form!.ContentSid, variables: JSON.parse(String(r.form!.ContentVariables)) },
        ]),
    );
    expect(sent).toEqual({
      [ada.phone!]: { sid: SID(1), variables: { 1: 'Ada', 2: 'Ibadan Central' } },
      [bola.phone!]: { sid: SID(2), variables: { 1: 'Ibadan Central', 2: 'Bola' } },
      // No Hausa variant: the English template, as for any text.
      [musa.phone!]: { sid: SID(1), variables: { 1: 'Musa', 2: 'Ibadan Central' } },
    });
  });
});

describe('audience, consent and fatigue', () => {
  it('sends each consenting patient their own language, filters no consent, opt-outs and the frequency cap', async () => {
    const h = await makeHospital(ctx(), { name: 'Ikeja General' });
    const ada = await makePatient(ctx(), { firstName: 'Ada', hospital: h.code, language: 'en' });
    const emeka = await makePatient(ctx(), { firstName: 'Emeka', hospital: h.code, language: 'pcm' });
    const bola = await makePatient(ctx(), { firstName: 'Bola', hospital: h.code, language: 'yo' });
    const musa = await makePatient(ctx(), { firstName: 'Musa', hospital: h.code, language: 'ha' });
    await makePatient(ctx(), { firstName: 'NoConsent', hospital: h.code, consent: {} });
    const out = await makePatient(ctx(), { firstName: 'Out', hospital: h.code });
    await query(bed.db.em(), 'update patient set opted_out_sms = true where id = $1', [out.id]);
    const tired = await makePatient(ctx(), { firstName: 'Tired', hospital: h.code });
    // Two marketing messages from earlier campaigns this week: the cap (2 in 7 days) is reached.
    const earlier = await create({ name: 'Earlier' });
    await query(
      bed.db.em(),
      `insert into campaign_recipients (campaign_id, patient_id, status, attempted_at) values ($1, $2, 'sent', $3)`,
      [earlier.id, tired.id, '2026-11-30T10:00:00+01:00'],
    );
    const older = await create({ name: 'Older' });
    await query(
      bed.db.em(),
      `insert into campaign_recipients (campaign_id, patient_id, status, attempted_at) values ($1, $2, 'sent', $3)`,
      [older.id, tired.id, '2026-12-01T10:00:00+01:00'],
    );
    const c = await create({
      name: 'Languages',
      hospital: h.code,
      templates: {
        en: 'Hello {{first_name}} from {{hospital_name}}',
        pcm: 'How far {{first_name}}, {{hospital_name}} dey wait you',
        yo: 'Ẹ n lẹ {{first_name}}',
      },
    });
    const preview = await previewCampaign(ctx(), c.slug);
    expect(preview.audience).toBe(4);
    expect(Object.fromEntries(preview.filtered.map((f) => [f.reason, f.count]))).toEqual({
      no_consent: 1,
      opted_out: 1,
      frequency_cap: 1,
    });
    expect(preview.samples.map((s) => s.language)).toEqual(['en', 'pcm', 'yo']);
    expect(preview.samples[1].body).toBe('How far Emeka, Ikeja General dey wait you');
    const yo = preview.languages.find((l) => l.language === 'yo')!;
    expect(yo.encoding).toBe('UCS-2');
    expect(preview.languages.find((l) => l.language === 'en')!.encoding).toBe('GSM-7');
    expect(preview.estimatedCost).toBe('₦16.00');

    const result = await send(c.slug);
    expect(result).toMatchObject({
      successCount: 4,
      failureCount: 0,
      skippedCount: 3,
      deliveryRate: 1,
      status: 'completed',
    });
    const byPhone = Object.fromEntries(smsBodies().map((m) => [m.to, m.body]));
    expect(byPhone).toEqual({
      [ada.phone!]: 'Hello Ada from Ikeja General',
      [emeka.phone!]: 'How far Emeka, Ikeja General dey wait you',
      [bola.phone!]: 'Ẹ n lẹ Bola',
      // No Hausa variant: English, the fallback.
      [musa.phone!]: 'Hello Musa from Ikeja General',
    });
    // A second send of a completed campaign sends nobody again.
    await send(c.slug);
    expect(smsBodies()).toHaveLength(4);
    const status = await campaignStatus(ctx(), c.slug);
    expect(status.byStatus).toEqual({ sent: 4, skipped: 3 });
    expect(status.skipped.map((s) => s.code).sort()).toEqual(['frequency_cap', 'no_consent', 'opted_out']);
  });

  it('a service campaign skips the marketing consent but never an opt-out', async () => {
    await makePatient(ctx(), { firstName: 'NoConsent', consent: {} });
    const out = await makePatient(ctx(), { firstName: 'Out' });
    await query(bed.db.em(), 'update patient set opted_out_sms = true where id = $1', [out.id]);
    const c = await create({
      name: 'Clinic closed',
      purpose: 'service',
      templates: { en: 'Dear {{first_name}}, the clinic is closed on Friday.' },
    });
    const result = await send(c.slug);
    expect(result).toMatchObject({ successCount: 1, skippedCount: 1 });
    expect(smsBodies().map((m) => m.body)).toEqual(['Dear NoConsent, the clinic is closed on Friday.']);
  });

  it('honours an opt-out that arrives after the snapshot', async () => {
    const a = await makePatient(ctx(), { firstName: 'A' });
    const b = await makePatient(ctx(), { firstName: 'B' });
    const c = await create({ name: 'Midway' });
    // Quiet hours stop the first send after the snapshot; B opts out; the next send skips B.
    const night = fixedClock(DateTime.fromISO('2026-12-02T22:00:00', { zone: LAGOS }));
    const first = await send(c.slug, {}, night);
    expect(first.quietUntil).toBe('2026-12-03T08:00:00.000+01:00');
    expect(bed.fake.requests).toHaveLength(0);
    await query(bed.db.em(), 'update patient set opted_out_sms = true where id = $1', [b.id]);
    const second = await send(c.slug);
    expect(second).toMatchObject({ successCount: 1, skippedCount: 1, status: 'completed' });
    expect(smsBodies().map((m) => m.to)).toEqual([a.phone]);
  });
});

describe('sending', () => {
  it('quiet hours reached mid-send stop it with the time it may continue; send again resumes', async () => {
    for (let i = 0; i < 6; i++) await makePatient(ctx(), { firstName: `P${i}` });
    const c = await create({ name: 'Evening' });
    let now = DateTime.fromISO('2026-12-02T20:59:00', { zone: LAGOS });
    const clock: Clock = { now: () => now };
    const first = await send(
      c.slug,
      {
        batchSize: 2,
        concurrency: 2,
        onProgress: () => {
          now = DateTime.fromISO('2026-12-02T21:00:00', { zone: LAGOS });
        },
      },
      clock,
    );
    expect(first.successCount).toBe(2);
    expect(first.pendingCount).toBe(4);
    expect(first.quietUntil).toBe('2026-12-03T08:00:00.000+01:00');
    expect(first.status).toBe('sending');
    now = DateTime.fromISO('2026-12-03T08:00:00', { zone: LAGOS });
    const second = await send(c.slug, {}, clock);
    expect(second).toMatchObject({ successCount: 6, status: 'completed' });
    expect(new Set(smsBodies().map((m) => m.to)).size).toBe(6);
    expect(smsBodies()).toHaveLength(6);
  });

  it("commits a group's messages as sending, with its claims, before its calls answer (the in-flight marker)", async () => {
    for (let i = 0; i < 5; i++) await makePatient(ctx(), { firstName: `M${i}` });
    const c = await create({ name: 'Marker' });
    // The first group's calls are answered late: meanwhile the database is read as a recovery
    // would read it.
    bed.fake.plan('twilio.messages.create', { kind: 'success', delayMs: 1500 }, 3);
    const sending = send(c.slug, { concurrency: 3 });
    await bed.fake.waitForRequests(3, 'twilio.messages.create');
    const rows = await query<{
      r_status: string;
      m_status: string | null;
      started: boolean;
      recipient: string | null;
    }>(
      bed.db.em(),
      `select r.status as r_status, m.status as m_status, m.send_started_at is not null as started, m.recipient
       from campaign_recipients r left join messages m on m.id = r.message_id where r.campaign_id = $1`,
      [c.id],
    );
    const inFlight = rows.filter((r) => r.r_status === 'sending');
    expect(inFlight).toHaveLength(3);
    for (const r of inFlight) expect(r).toMatchObject({ m_status: 'sending', started: true });
    expect(new Set(inFlight.map((r) => r.recipient))).toEqual(new Set(smsBodies().map((m) => m.to)));
    // Nobody else is claimed: the other recipients are still pending, without a message.
    expect(rows.filter((r) => r.r_status === 'pending' && r.m_status === null)).toHaveLength(2);
    const result = await sending;
    expect(result).toMatchObject({ successCount: 5, status: 'completed' });
    expect(new Set(smsBodies().map((m) => m.to)).size).toBe(5);
    expect(smsBodies()).toHaveLength(5);
  });

  it('keeps a random, recorded holdout share unsent', async () => {
    for (let i = 0; i < 40; i++) await makePatient(ctx(), { firstName: `H${i}` });
    const c = await create({ name: 'Holdout' });
    const result = await send(c.slug, { holdoutBps: 1000 });
    expect(result).toMatchObject({ successCount: 36, holdoutCount: 4 });
    const held = await query<{ phone: string }>(
      bed.db.em(),
      `select p.phone from campaign_recipients r join patient p on p.id = r.patient_id where r.campaign_id = $1 and r.status = 'holdout'`,
      [c.id],
    );
    expect(held).toHaveLength(4);
    const sentTo = new Set(smsBodies().map((m) => m.to));
    for (const h of held) expect(sentTo.has(h.phone)).toBe(false);
    await expect(send(c.slug, { holdoutBps: 500 })).rejects.toMatchObject({ exitCode: 5 });
  });

  it('pauses itself when over 20% of the last attempts fail (a 429/5xx storm), and resume finishes once each', async () => {
    for (let i = 0; i < 60; i++) await makePatient(ctx(), { firstName: `S${i}` });
    const c = await create({ name: 'Storm' });
    // After 20 good sends, the provider answers 503 to everything for a while.
    let calls = 0;
    const storm = bed.fake.plan(
      'twilio.messages.create',
      () => (++calls > 20 ? { kind: 'http', status: 503 } : undefined),
      Number.POSITIVE_INFINITY,
    );
    const first = await send(c.slug, { batchSize: 10, concurrency: 5 });
    expect(first.status).toBe('paused');
    expect(first.pauseReason).toMatch(/of the last \d+ attempts failed/);
    expect(first.successCount).toBe(20);
    await expect(send(c.slug)).rejects.toMatchObject({ exitCode: 5 });
    storm.cancel();
    const { retried } = await resumeCampaign(ctx(), c.slug);
    expect(retried).toBe(first.failureCount);
    const second = await send(c.slug);
    expect(second).toMatchObject({ successCount: 60, failureCount: 0, status: 'completed' });
    const delivered = bed.fake.twilioMessages().map((m) => m.resource.to);
    expect(delivered).toHaveLength(60);
    expect(new Set(delivered).size).toBe(60);
  });

  it('e-mails 2,500 recipients in 3 SendGrid requests of at most 1,000, no address twice in a request', async () => {
    await query(
      bed.db.em(),
      `insert into patient (first_name, last_name, email, preferred_language, consent_email)
       select 'E' || i, 'Mail', 'e' || i || '@example.ng', case when i % 2 = 0 then 'pcm' else 'en' end, true
       from generate_series(1, 2499) i`,
    );
    // Two patients share an address: they must go in different requests.
    await query(
      bed.db.em(),
      `insert into patient (first_name, last_name, email, consent_email) values ('Twin', 'Mail', 'e1@example.ng', true)`,
    );
    const c = await create({
      name: 'Mail',
      channel: 'email',
      subject: 'News for {{first_name}}',
      templates: { en: 'Dear {{first_name}}, news.', pcm: 'How far {{first_name}}, news dey.' },
    });
    const result = await send(c.slug);
    expect(result).toMatchObject({ successCount: 2500, failureCount: 0 });
    const requests = bed.fake.requestsFor('sendgrid.mail.send');
    expect(requests).toHaveLength(3);
    for (const r of requests) {
      const ps = (r.json as any).personalizations as any[];
      expect(ps.length).toBeLessThanOrEqual(1000);
      const addresses = ps.map((p) => p.to[0].email);
      expect(new Set(addresses).size).toBe(addresses.length);
    }
    const all = requests.flatMap((r) => (r.json as any).personalizations as any[]);
    expect(all).toHaveLength(2500);
    const e2 = all.find((p) => p.to[0].email === 'e2@example.ng');
    expect(e2.subject).toBe('News for E2');
    expect(e2.substitutions['{{body}}']).toBe('How far E2, news dey.');
    expect((requests[0].json as any).content[0].value).toBe('{{body}}');
  });

  /** Patients with an address and e-mail consent, `n` of them. */
  const seedEmailPatients = (n: number) =>
    query(
      bed.db.em(),
      `insert into patient (first_name, last_name, email, preferred_language, consent_email)
       select 'E' || i, 'Mail', 'e' || i || '@example.ng', case when i % 2 = 0 then 'yo' else 'en' end, true
       from generate_series(1, $1::int) i`,
      [n],
    );
  const mailCampaign = (name: string) =>
    create({
      name,
      channel: 'email',
      subject: 'News for {{first_name}}',
      templates: { en: 'Dear {{first_name}}, news.', yo: 'E kaabo {{first_name}}.' },
    });
  const campaignMessages = (id: string) =>
    query<{
      r_status: string;
      m_status: string | null;
      recipient: string | null;
      body: string | null;
      error_code: string | null;
      started: boolean;
      sent: boolean;
      attempts: number | null;
    }>(
      bed.db.em(),
      `select r.status as r_status, m.status as m_status, m.recipient, m.body, m.error_code,
         m.send_started_at is not null as started, m.sent_at is not null as sent, m.attempts
       from campaign_recipients r left join messages m on m.id = r.message_id
       where r.campaign_id = $1 order by r.id`,
      [id],
    );

  it("claims an e-mail group before its request, and writes its messages once, with the request's outcome", async () => {
    await seedEmailPatients(5);
    const c = await mailCampaign('Mail marker');
    bed.fake.plan('sendgrid.mail.send', { kind: 'success', delayMs: 1500 }, 1);
    const sending = send(c.slug);
    await bed.fake.waitForRequests(1, 'sendgrid.mail.send');
    // In flight: claimed (`sending`), no message row yet.
    const during = await campaignMessages(c.id);
    expect(during.map((r) => [r.r_status, r.m_status])).toEqual(Array(5).fill(['sending', null]));
    expect(await sending).toMatchObject({ successCount: 5, status: 'completed' });
    const after = await campaignMessages(c.id);
    for (const r of after)
      expect(r).toMatchObject({ r_status: 'sent', started: true, sent: true, attempts: 1 });
    expect(after.map((r) => r.m_status).every((s) => s === 'sent' || s === 'queued')).toBe(true);
    expect(after.find((r) => r.recipient === 'e2@example.ng')!.body).toBe('E kaabo E2.');
    expect(after.find((r) => r.recipient === 'e1@example.ng')!.body).toBe('Dear E1, news.');
  });

  it('an e-mail group whose sender died mid-request is settled unknown (assumed sent), its messages written, never sent again', async () => {
    await seedEmailPatients(6);
    const c = await mailCampaign('Mail killed');
    // The snapshot, then a dead sender's claim of three recipients: `sending`, no message, its
    // lease over (what a SIGKILL during the SendGrid call leaves).
    await startCampaignSend(ctx(), bed.config, c.slug, undefined);
    await query(
      bed.db.em(),
      `update campaign_recipients set status = 'sending', claimed_by = 'dead', claimed_until = now() - interval '1 minute',
         attempted_at = '2026-12-02T09:59:00+01:00'
       where campaign_id = $1 and patient_id in (
         select id from patient where email in ('e1@example.ng', 'e2@example.ng', 'e3@example.ng'))`,
      [c.id],
    );
    const result = await send(c.slug);
    expect(result).toMatchObject({ successCount: 3, unknownCount: 3, pendingCount: 0, status: 'completed' });
    const sentTo = bed.fake
      .requestsFor('sendgrid.mail.send')
      .flatMap((r) => ((r.json as any).personalizations as any[]).map((p) => p.to[0].email));
    expect(sentTo.sort()).toEqual(['e4@example.ng', 'e5@example.ng', 'e6@example.ng']);
    const rows = (await campaignMessages(c.id)).filter((r) => r.r_status === 'unknown');
    rows.sort((a, b) => a.recipient!.localeCompare(b.recipient!));
    expect(rows).toEqual([
      expect.objectContaining({
        r_status: 'unknown',
        m_status: 'unknown',
        recipient: 'e1@example.ng',
        body: 'Dear E1, news.',
        error_code: 'interrupted',
        sent: true,
        attempts: 1,
      }),
      expect.objectContaining({
        r_status: 'unknown',
        m_status: 'unknown',
        recipient: 'e2@example.ng',
        body: 'E kaabo E2.',
        error_code: 'interrupted',
      }),
      expect.objectContaining({ r_status: 'unknown', m_status: 'unknown', recipient: 'e3@example.ng' }),
    ]);
    // Run again: nothing left, nothing sent.
    const requests = bed.fake.requestsFor('sendgrid.mail.send').length;
    await send(c.slug);
    expect(bed.fake.requestsFor('sendgrid.mail.send')).toHaveLength(requests);
  });
});

describe('cancel', () => {
  it('cancels: pending recipients are skipped and nothing more is sent', async () => {
    await makePatient(ctx());
    const c = await create({ name: 'Cancelled' });
    await send(c.slug, {}, fixedClock(DateTime.fromISO('2026-12-02T23:00:00', { zone: LAGOS })));
    const view = await cancelCampaign(ctx(), c.slug);
    expect(view.status).toBe('cancelled');
    await expect(send(c.slug)).rejects.toMatchObject({ exitCode: 5 });
    expect(bed.fake.requests).toHaveLength(0);
  });
});

describe('opt-out by reply', () => {
  it('knows STOP and its equivalents in any case, in Pidgin, Yoruba, Hausa and Igbo; not a sentence', () => {
    for (const word of [
      'STOP',
      'stop',
      ' Stop. ',
      'STOPALL',
      'unsubscribe',
      'Cancel',
      'END',
      'quit',
      'Comot',
      'Dúró',
      'tsaya',
      'Kwụsị',
    ])
      expect(isOptOutReply(word), word).toBe(true);
    for (const text of ['stop sending at night please', 'thanks', 'ok', ''])
      expect(isOptOutReply(text), text).toBe(false);
  });

  it('message sync reads SMS and WhatsApp replies and opts the patient out of that channel', async () => {
    const a = await makePatient(ctx(), { firstName: 'A', consent: { sms: true, whatsapp: true } });
    const b = await makePatient(ctx(), { firstName: 'B', consent: { sms: true, whatsapp: true } });
    const c = await makePatient(ctx(), { firstName: 'C' });
    bed.fake.receiveInbound({ from: a.phone!, to: TWILIO_SMS_FROM, body: 'STOP' });
    bed.fake.receiveInbound({ from: `whatsapp:${b.phone}`, to: TWILIO_WHATSAPP_FROM, body: 'dúró' });
    bed.fake.receiveInbound({ from: c.phone!, to: TWILIO_SMS_FROM, body: 'stop calling me at night' });
    const messenger = await realMessengers(bed.config)(['sms', 'whatsapp']);
    const result = await syncMessages(ctx(), messenger);
    expect(result).toMatchObject({ optOutReplies: 2, optedOut: 2 });
    const rows = await query<{ first_name: string; opted_out_sms: boolean; opted_out_whatsapp: boolean }>(
      bed.db.em(),
      'select first_name, opted_out_sms, opted_out_whatsapp from patient order by first_name',
    );
    expect(rows).toEqual([
      { first_name: 'A', opted_out_sms: true, opted_out_whatsapp: false },
      { first_name: 'B', opted_out_sms: false, opted_out_whatsapp: true },
      { first_name: 'C', opted_out_sms: false, opted_out_whatsapp: false },
    ]);
    // The SMS campaign then leaves A out.
    const campaign = await create({ name: 'After stop' });
    const preview = await previewCampaign(ctx(), campaign.slug);
    expect(preview.filtered).toEqual([expect.objectContaining({ reason: 'opted_out', count: 1 })]);
    // A second sync opts nobody out again.
    expect(await syncMessages(ctx(), messenger)).toMatchObject({ optOutReplies: 2, optedOut: 0 });
  });
});

describe('segments', () => {
  it('inactive: no visit in the last N days (default from config, or --inactive-days)', async () => {
    const recent = await makePatient(ctx(), { firstName: 'Recent' });
    const old = await makePatient(ctx(), { firstName: 'Old' });
    await makePatient(ctx(), { firstName: 'Never' });
    await query(bed.db.em(), `update patient set last_visit_at = $2 where id = $1`, [
      recent.id,
      '2026-11-20T10:00:00+01:00',
    ]);
    await query(bed.db.em(), `update patient set last_visit_at = $2 where id = $1`, [
      old.id,
      '2026-08-01T10:00:00+01:00',
    ]);
    const c = await create({ name: 'Inactive', segment: 'inactive' });
    expect(c.inactiveDays).toBe(90);
    expect((await previewCampaign(ctx(), c.slug)).audience).toBe(2);
    const shorter = await create({ name: 'Inactive 7', segment: 'inactive', inactiveDays: 7 });
    expect((await previewCampaign(ctx(), shorter.slug)).audience).toBe(3);
    await expect(create({ name: 'Bad', segment: 'all-patients', inactiveDays: 7 })).rejects.toMatchObject({
      exitCode: 3,
    });
  });

  it('all owners: an e-mail to every owner with an address', async () => {
    await makeOwner(ctx(), { name: 'Chidi Holdings' });
    const c = await create({
      name: 'Owners',
      segment: 'all-owners',
      channel: 'email',
      purpose: 'service',
      subject: 'Network news',
      templates: { en: 'Dear {{first_name}}, the network grows.' },
    });
    const result = await send(c.slug);
    expect(result.successCount).toBeGreaterThanOrEqual(1);
    const ps = bed.fake
      .requestsFor('sendgrid.mail.send')
      .flatMap((r) => (r.json as any).personalizations as any[]);
    expect(ps.map((p) => p.substitutions['{{body}}'])).toContain('Dear Chidi Holdings, the network grows.');
  });
});

// The high-value segment reads loyalty_account, kept by the loyalty ledger: points are awarded
// through the loyalty programme itself.
describe('high-value segment (loyalty tiers)', () => {
  const seedTiers = async () => {
    const people: Record<string, string> = {};
    for (const [name, tier, points] of [
      ['Gold', 'gold', 5000],
      ['Plat', 'platinum', 20000],
      ['Silver', 'silver', 2500],
    ] as const) {
      const p = await makePatient(ctx(), { firstName: name });
      const award = await awardPoints(ctx(), { patient: p.id, points, reason: 'seed' });
      expect(award.tier).toBe(tier);
      people[name] = p.phone!;
    }
    await makePatient(ctx(), { firstName: 'NoAccount' });
    return people;
  };

  it('reaches Gold and Platinum by default, with {{tier}} and {{loyalty_points}} filled in', async () => {
    const people = await seedTiers();
    const c = await create({
      name: 'VIP',
      segment: 'high-value',
      templates: { en: '{{first_name}}: {{tier}}, {{loyalty_points}} points' },
    });
    expect((await send(c.slug)).successCount).toBe(2);
    expect(Object.fromEntries(smsBodies().map((m) => [m.to, m.body]))).toEqual({
      [people.Gold]: 'Gold: gold, 5000 points',
      [people.Plat]: 'Plat: platinum, 20000 points',
    });
  });

  it('--tier picks other tiers', async () => {
    await seedTiers();
    const c = await create({ name: 'Silver', segment: 'high-value', tiers: ['silver'] });
    expect((await previewCampaign(ctx(), c.slug)).audience).toBe(1);
  });
});

describe('recipient integrity (checked per statement, not per row)', () => {
  const db = () => bed.db.em();
  it('refuses a recipient naming a patient or campaign that does not exist, in any statement', async () => {
    const c = await create({ name: 'Integrity' });
    const p = await makePatient(ctx(), { firstName: 'Real' });
    const ghost = '00000000-0000-4000-8000-000000000001';
    await expect(
      query(db(), `insert into campaign_recipients (campaign_id, patient_id) values ($1, $2)`, [c.id, ghost]),
    ).rejects.toThrow(/violates its reference to table "patient"/);
    await expect(
      query(db(), `insert into campaign_recipients (campaign_id, patient_id) values ($1, $2)`, [ghost, p.id]),
    ).rejects.toThrow(/violates its reference to table "campaign"/);
    // One bad row among good ones refuses the whole statement.
    await expect(
      query(
        db(),
        `insert into campaign_recipients (campaign_id, patient_id)
         select $1::uuid, id from patient union all select $1::uuid, $2::uuid`,
        [c.id, ghost],
      ),
    ).rejects.toThrow(/violates its reference to table "patient"/);
    expect((await query(db(), 'select * from campaign_recipients')).length).toBe(0);
    await query(db(), `insert into campaign_recipients (campaign_id, patient_id) values ($1, $2)`, [
      c.id,
      p.id,
    ]);
    // A recipient's campaign and patient are fixed; its status is not.
    const other = await makePatient(ctx(), { firstName: 'Other' });
    await expect(query(db(), 'update campaign_recipients set patient_id = $1', [other.id])).rejects.toThrow(
      /keeps its campaign and patient/,
    );
    await query(db(), `update campaign_recipients set status = 'skipped', reason = 'test'`);
  });

  it('refuses a recipient naming a message that does not exist, and deleting, renumbering or truncating messages recipients name', async () => {
    const c = await create({ name: 'Message keys' });
    const p = await makePatient(ctx(), { firstName: 'Keyed' });
    const ghost = '00000000-0000-4000-8000-000000000003';
    await expect(
      query(
        db(),
        `insert into campaign_recipients (campaign_id, patient_id, message_id) values ($1, $2, $3)`,
        [c.id, p.id, ghost],
      ),
    ).rejects.toThrow(/violates its reference to table "messages"/);
    await query(db(), `insert into campaign_recipients (campaign_id, patient_id) values ($1, $2)`, [
      c.id,
      p.id,
    ]);
    await expect(query(db(), 'update campaign_recipients set message_id = $1', [ghost])).rejects.toThrow(
      /violates its reference to table "messages"/,
    );
    const [m] = await query<{ id: string }>(
      db(),
      `insert into messages (channel, recipient, body, purpose, provider, patient_id)
       values ('sms', '+2348030000001', 'Hi', 'campaign', 'twilio', $1) returning id`,
      [p.id],
    );
    await query(db(), 'update campaign_recipients set message_id = $1', [m.id]);
    await expect(query(db(), 'delete from messages where id = $1', [m.id])).rejects.toThrow(
      /violates its reference from table "campaign_recipients"/,
    );
    await expect(
      query(db(), 'update messages set id = gen_random_uuid() where id = $1', [m.id]),
    ).rejects.toThrow(/keeps its id/);
    await expect(query(db(), 'truncate messages cascade')).rejects.toThrow(
      /campaign recipients name its messages/,
    );
    expect(await query(db(), 'select message_id from campaign_recipients')).toEqual([{ message_id: m.id }]);
    // Emptied in the same command, as the foreign key's CASCADE did.
    await query(db(), 'truncate campaign_recipients, messages cascade');
  });

  it('refuses a recipient naming an owner that does not exist, and deleting an owner recipients name', async () => {
    const c = await create({ name: 'Owners', segment: 'all-owners', channel: 'email', subject: 'Hello' });
    const owner = await makeOwner(ctx(), { name: 'Named Owner' });
    const ghost = '00000000-0000-4000-8000-000000000002';
    await expect(
      query(db(), `insert into campaign_recipients (campaign_id, owner_id) values ($1, $2)`, [c.id, ghost]),
    ).rejects.toThrow(/violates its reference to table "owner"/);
    await query(db(), `insert into campaign_recipients (campaign_id, owner_id) values ($1, $2)`, [
      c.id,
      owner.id,
    ]);
    await expect(query(db(), 'delete from owner where id = $1', [owner.id])).rejects.toThrow(
      /violates its reference from table "campaign_recipients"/,
    );
    const other = await makeOwner(ctx(), { name: 'Other Owner' });
    await expect(query(db(), 'update campaign_recipients set owner_id = $1', [other.id])).rejects.toThrow(
      /keeps its campaign and patient or owner/,
    );
  });

  it('refuses deleting a patient or campaign that recipients name; merge refuses such a duplicate (exit 5)', async () => {
    const keep = await makePatient(ctx(), { firstName: 'Keep' });
    const dup = await makePatient(ctx(), { firstName: 'Dup' });
    const free = await makePatient(ctx(), { firstName: 'Free' });
    const c = await create({ name: 'Referenced' });
    await query(db(), `insert into campaign_recipients (campaign_id, patient_id) values ($1, $2)`, [
      c.id,
      dup.id,
    ]);
    await expect(query(db(), 'delete from patient where id = $1', [dup.id])).rejects.toThrow(
      /violates its reference from table "campaign_recipients"/,
    );
    await expect(query(db(), 'delete from campaign where id = $1', [c.id])).rejects.toThrow(
      /violates its reference from table "campaign_recipients"/,
    );
    await expect(mergePatients(ctx(), keep.id, dup.id)).rejects.toMatchObject({
      exitCode: 5,
      message: expect.stringMatching(/the duplicate has campaign_recipients rows/),
    });
    // A patient no campaign names is merged (deleted) as before.
    const merged = await mergePatients(ctx(), keep.id, free.id);
    expect(merged.merged).toBe(free.id);
    expect(
      (await query(db(), 'select id from patient where id = any($1::uuid[])', [[dup.id, free.id]])).length,
    ).toBe(1);
  });
});

describe.skipIf(!onPostgres)('recipient integrity under concurrency', () => {
  it('a patient deleted while a snapshot naming it is in flight: the delete waits for it, then is refused', async () => {
    const p = await makePatient(ctx(), { firstName: 'Racing' });
    const c = await create({ name: 'Race' });
    const snapshot = bed.db.em().fork();
    await snapshot.begin();
    await query(snapshot, `insert into campaign_recipients (campaign_id, patient_id) values ($1, $2)`, [
      c.id,
      p.id,
    ]);
    const deleting = bed.db
      .em()
      .fork()
      .transactional((em) => query(em, 'delete from patient where id = $1', [p.id]))
      .then(
        () => 'deleted',
        (e: Error) => e.message,
      );
    // The delete's trigger waits for the snapshot's ROW EXCLUSIVE lock on campaign_recipients.
    for (;;) {
      const [w] = await query<{ n: number }>(
        bed.db.em().fork(),
        `select count(*)::int as n from pg_locks where not granted and relation = 'campaign_recipients'::regclass`,
      );
      if (w.n > 0) break;
      await new Promise((r) => setImmediate(r));
    }
    await snapshot.commit();
    expect(await deleting).toMatch(/violates its reference from table "campaign_recipients"/);
    expect((await query(bed.db.em(), 'select id from patient where id = $1', [p.id])).length).toBe(1);
  });
});
