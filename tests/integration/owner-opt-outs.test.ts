/**
 * Owners' opt-outs (issue 16): owners receive `all-owners` campaigns, so an owner who opted out of
 * a channel is skipped at the snapshot and at the send, and a STOP reply or a Twilio 21610 opts
 * the owner out as it does a patient. `owner edit --opt-out/--opt-in` corrects them.
 */
import { DateTime } from 'luxon';
import { beforeEach, describe, expect, it } from 'vitest';
import { campaignStatus } from '../../src/core/campaigns/campaign-status.js';
import { type CreateCampaignInput, createCampaign } from '../../src/core/campaigns/create-campaign.js';
import { previewCampaign } from '../../src/core/campaigns/preview-campaign.js';
import { sendCampaign } from '../../src/core/campaigns/send-campaign.js';
import { query } from '../../src/core/db/sql.js';
import { PartialFailureError, ValidationError } from '../../src/core/errors.js';
import { realMessengers } from '../../src/core/messaging/messaging.runtime.js';
import { sendOwnerMessage } from '../../src/core/messaging/owner-message.service.js';
import { syncMessages } from '../../src/core/messaging/sync-messages.js';
import { editOwner } from '../../src/core/owners/edit-owner.js';
import { showOwner } from '../../src/core/owners/owner.queries.js';
import { type Clock, fixedClock, LAGOS } from '../../src/core/time.js';
import { truncateForTest } from '../support/db.js';
import { makeOwner, makePatient } from '../support/factories.js';
import { messagingTestbed } from '../support/messaging-testbed.js';
import { TWILIO_SMS_FROM, TWILIO_WHATSAPP_FROM } from '../support/reminders-seed.js';
import { services } from '../support/services.js';

const bed = messagingTestbed();
const MORNING = fixedClock(DateTime.fromISO('2026-12-02T10:00:00', { zone: LAGOS }));
const NIGHT = fixedClock(DateTime.fromISO('2026-12-02T22:00:00', { zone: LAGOS }));
const ctx = (clock: Clock = MORNING) =>
  services(bed.db, { clock, actor: { operator: 'ada', command: 'test' } });
const send = (ref: string, clock: Clock = MORNING) =>
  sendCampaign(ctx(clock), bed.config, realMessengers(bed.config), ref, { sleep: async () => {} });
const create = (input: Partial<CreateCampaignInput> = {}) =>
  createCampaign(ctx(), {
    name: 'Network news',
    segment: 'all-owners',
    channel: 'sms',
    templates: { en: 'Dear {{first_name}}, the network grows.' },
    ...input,
  });
const smsTo = () => bed.fake.requestsFor('twilio.messages.create').map((r) => String(r.form!.To));
const optedOut = async (id: string) => {
  const [row] = await query<{ sms: boolean; whatsapp: boolean; email: boolean }>(
    bed.db.em(),
    'select opted_out_sms as sms, opted_out_whatsapp as whatsapp, opted_out_email as email from owner where id = $1',
    [id],
  );
  return row;
};
const optOut = (id: string, channel: 'sms' | 'email') =>
  query(bed.db.em(), `update owner set opted_out_${channel} = true where id = $1`, [id]);

// Owners stay between the tests of campaigns.test.ts; here each test starts without any.
beforeEach(async () => {
  await truncateForTest(bed.db.em(), 'truncate campaign, campaign_recipients, owner cascade');
});

describe('owners opted out of a campaign channel', () => {
  it('are skipped at the snapshot (opted_out), as patients are; no marketing consent is asked of owners', async () => {
    const a = await makeOwner(ctx(), { name: 'Ade Holdings', phone: '08039990001' });
    const b = await makeOwner(ctx(), { name: 'Bisi Clinics', phone: '08039990002' });
    await makeOwner(ctx(), { name: 'No Phone Ltd' });
    await optOut(b.id, 'sms');
    const c = await create();
    const preview = await previewCampaign(ctx(), c.slug);
    expect(preview.audience).toBe(1);
    expect(Object.fromEntries(preview.filtered.map((f) => [f.reason, f.count]))).toEqual({
      opted_out: 1,
      no_contact: 1,
    });
    expect(await send(c.slug)).toMatchObject({ successCount: 1, skippedCount: 2, status: 'completed' });
    expect(smsTo()).toEqual([a.phone]);
    const status = await campaignStatus(ctx(), c.slug);
    expect(status.skipped.map((s) => s.code).sort()).toEqual(['no_contact', 'opted_out']);
    const [skip] = await query<{ reason: string }>(
      bed.db.em(),
      'select reason from campaign_recipients where owner_id = $1',
      [b.id],
    );
    expect(skip.reason).toBe('opted_out');
    // An opt-out of SMS does not keep the owner's e-mails away.
    const mail = await create({ name: 'By mail', channel: 'email', subject: 'News' });
    expect((await previewCampaign(ctx(), mail.slug)).audience).toBe(3);
  });

  it('a service campaign still skips an opted-out owner', async () => {
    await makeOwner(ctx(), { name: 'Ade Holdings', phone: '08039990001' });
    const b = await makeOwner(ctx(), { name: 'Bisi Clinics', phone: '08039990002' });
    await optOut(b.id, 'sms');
    const c = await create({ purpose: 'service', name: 'Closure' });
    expect(await send(c.slug)).toMatchObject({ successCount: 1, skippedCount: 1 });
    expect(smsTo()).not.toContain(b.phone);
  });

  it('an owner who opts out after the snapshot is skipped at the send', async () => {
    const a = await makeOwner(ctx(), { name: 'Ade Holdings', phone: '08039990001' });
    const b = await makeOwner(ctx(), { name: 'Bisi Clinics', phone: '08039990002' });
    const c = await create({ name: 'Midway' });
    // Quiet hours stop the first send right after the snapshot; B opts out; the next send skips B.
    const first = await send(c.slug, NIGHT);
    expect(first.quietUntil).toBeTruthy();
    expect(bed.fake.requests).toHaveLength(0);
    expect(
      await query(
        bed.db.em(),
        `select 1 from campaign_recipients where campaign_id = $1 and status = 'pending'`,
        [c.id],
      ),
    ).toHaveLength(2);
    await editOwner(ctx(), b.id, { optOut: 'sms' });
    expect(await send(c.slug)).toMatchObject({ successCount: 1, skippedCount: 1, status: 'completed' });
    expect(smsTo()).toEqual([a.phone]);
    const [skip] = await query<{ status: string; reason: string }>(
      bed.db.em(),
      'select status, reason from campaign_recipients where owner_id = $1',
      [b.id],
    );
    expect(skip).toEqual({ status: 'skipped', reason: 'opted_out' });
  });

  it("a Twilio 21610 on an owner's campaign SMS opts the owner out of SMS", async () => {
    const a = await makeOwner(ctx(), { name: 'Ade Holdings', phone: '08039990001' });
    const b = await makeOwner(ctx(), { name: 'Bisi Clinics', phone: '08039990002' });
    bed.fake.plan({ to: b.phone! }, { kind: 'twilio-error', code: 21610 }, Number.POSITIVE_INFINITY);
    const c = await create();
    expect(await send(c.slug)).toMatchObject({ successCount: 1, failureCount: 1 });
    expect(await optedOut(b.id)).toEqual({ sms: true, whatsapp: false, email: false });
    expect(await optedOut(a.id)).toEqual({ sms: false, whatsapp: false, email: false });
    // The next SMS campaign leaves B out from the snapshot on.
    const next = await create({ name: 'Next' });
    const preview = await previewCampaign(ctx(), next.slug);
    expect(preview.filtered).toEqual([expect.objectContaining({ reason: 'opted_out', count: 1 })]);
  });

  it('a Twilio 21610 on an owner message opts the owner out of that channel', async () => {
    const a = await makeOwner(ctx(), { name: 'Ade Holdings', phone: '08039990001' });
    bed.fake.failNext(1, { kind: 'twilio-error', code: 21610 });
    const error = await sendOwnerMessage(
      ctx(),
      { owner: a.id, channel: 'sms', body: 'Your payout is on its way.' },
      realMessengers(bed.config),
    ).catch((e) => e);
    expect(error).toBeInstanceOf(PartialFailureError);
    expect(await optedOut(a.id)).toEqual({ sms: true, whatsapp: false, email: false });
  });
});

describe('opt-out by reply, from an owner', () => {
  it("message sync opts the owner out of the channel the STOP came on; patients' count is separate", async () => {
    const a = await makeOwner(ctx(), { name: 'Ade Holdings', phone: '08039990001' });
    const b = await makeOwner(ctx(), { name: 'Bisi Clinics', phone: '08039990002' });
    const c = await makeOwner(ctx(), { name: 'Chidi Holdings', phone: '08039990003' });
    const p = await makePatient(ctx(), { firstName: 'P', consent: { sms: true } });
    bed.fake.receiveInbound({ from: a.phone!, to: TWILIO_SMS_FROM, body: 'STOP' });
    bed.fake.receiveInbound({ from: `whatsapp:${b.phone}`, to: TWILIO_WHATSAPP_FROM, body: 'Kwụsị' });
    bed.fake.receiveInbound({ from: c.phone!, to: TWILIO_SMS_FROM, body: 'stop the meeting at 5?' });
    bed.fake.receiveInbound({ from: p.phone!, to: TWILIO_SMS_FROM, body: 'stop' });
    const messenger = await realMessengers(bed.config)(['sms', 'whatsapp']);
    const result = await syncMessages(ctx(), messenger);
    expect(result).toMatchObject({ optOutReplies: 3, optedOut: 1, ownersOptedOut: 2 });
    expect(await optedOut(a.id)).toEqual({ sms: true, whatsapp: false, email: false });
    expect(await optedOut(b.id)).toEqual({ sms: false, whatsapp: true, email: false });
    expect(await optedOut(c.id)).toEqual({ sms: false, whatsapp: false, email: false });
    const audit = await query<{ entity: string; summary: Record<string, unknown> }>(
      bed.db.em(),
      `select entity, summary from audit_log where summary->>'action' = 'opt-out by reply' order by entity`,
    );
    expect(audit).toEqual([
      { entity: 'owner', summary: { action: 'opt-out by reply', replies: 3, optedOut: 2 } },
      { entity: 'patient', summary: { action: 'opt-out by reply', replies: 3, optedOut: 1 } },
    ]);
    // The SMS campaign to owners then leaves A out; a second sync opts nobody out again.
    const campaign = await create({ name: 'After stop' });
    const preview = await previewCampaign(ctx(), campaign.slug);
    expect(preview.filtered).toEqual([expect.objectContaining({ reason: 'opted_out', count: 1 })]);
    expect(await syncMessages(ctx(), messenger)).toMatchObject({ optedOut: 0, ownersOptedOut: 0 });
  });
});

describe('owner edit --opt-out / --opt-in', () => {
  it('sets and clears the opt-outs, audited with the channels; show has them', async () => {
    const a = await makeOwner(ctx(), { name: 'Ade Holdings', phone: '08039990001' });
    const out = await editOwner(ctx(), a.id, { optOut: 'sms, whatsapp' });
    expect(out.changed).toEqual(['optedOutSms', 'optedOutWhatsapp']);
    expect(out.owner.optedOut).toEqual({ sms: true, whatsapp: true, email: false });
    const back = await editOwner(ctx(), a.id, { optIn: 'sms', optOut: 'email' });
    expect(back.changed.sort()).toEqual(['optedOutEmail', 'optedOutSms']);
    expect((await showOwner(ctx(), a.id)).optedOut).toEqual({ sms: false, whatsapp: true, email: true });
    // Asking for what is already so changes nothing and writes no audit row.
    expect((await editOwner(ctx(), a.id, { optOut: 'whatsapp' })).changed).toEqual([]);
    const audit = await query<{ summary: Record<string, unknown> }>(
      bed.db.em(),
      `select summary from audit_log where entity = 'owner' and entity_id = $1 and summary->>'action' = 'edit' order by id`,
      [a.id],
    );
    expect(audit.map((r) => r.summary)).toEqual([
      { action: 'edit', changed: ['optedOutSms', 'optedOutWhatsapp'], optedOut: ['sms', 'whatsapp'] },
      { action: 'edit', changed: ['optedOutEmail', 'optedOutSms'], optedOut: ['email'], optedIn: ['sms'] },
    ]);
    // `all` names every channel; an unknown channel, or one in both lists, is refused (exit 3).
    expect((await editOwner(ctx(), a.id, { optIn: 'all' })).owner.optedOut).toEqual({
      sms: false,
      whatsapp: false,
      email: false,
    });
    for (const input of [{ optOut: 'fax' }, { optOut: 'sms', optIn: 'sms' }, { optOut: ' ' }]) {
      const error = await editOwner(ctx(), a.id, input).catch((e) => e);
      expect(error, JSON.stringify(input)).toBeInstanceOf(ValidationError);
      expect(error.exitCode).toBe(3);
    }
  });
});
