/**
 * Settles recipients a killed (or hung) sender left claimed: their lease ran out without an
 * outcome. What happens depends on how far the attempt got, which the message row says
 * (docs/campaigns.md, "After a crash"):
 * - no message yet, SMS/WhatsApp: the provider was never called; the recipient is pending again;
 * - no message yet, e-mail (an e-mail group's messages are written with the request's outcome,
 *   campaign-send.sql.ts `startEmailGroup`): the SendGrid request may have gone out; SendGrid
 *   cannot be asked, so its message is written now, rendered as it was sent, `unknown`, assumed
 *   sent, and the recipient `unknown` — never sent again;
 * - a message `sending` on Twilio: Twilio's message list is asked for a message to that number
 *   with that text since the call started. Found: recorded with its SID, the recipient `sent`.
 *   Not found: the message ends `failed` (`not_sent`) and the recipient is pending again. Twilio
 *   cannot be asked: both `unknown` (not sent again: a rare lost message over a duplicate);
 * - a message `sending` on SendGrid (no lookup exists): both `unknown`, assumed sent.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../db/sql.js';
import { askProviderAboutSends, assignFoundSends } from '../messaging/in-doubt-sends.js';
import { type SettledMessage, settleMessages } from '../messaging/message.sql.js';
import type { Messenger } from '../messaging/messenger.js';
import { classifyTwilioError } from '../messaging/providers.js';
import { TWILIO_STATUS } from '../messaging/sync-messages.js';
import type { Channel } from '../patients/patient.entity.js';
import type { Clock } from '../time.js';
import type { Campaign } from './campaign.entity.js';
import { messageFor } from './campaign-render.js';
import {
  type GroupMessage,
  type RecipientOutcome,
  recipientDetails,
  recordEmailGroup,
  recordRecipientOutcomes,
} from './campaign-send.sql.js';

interface EndedRow {
  id: string;
  attempted_at: string | Date | null;
  message_id: string | null;
  message_status: string | null;
  channel: Channel | null;
  recipient: string | null;
  body: string | null;
  content_sid: string | null;
  send_started_at: Date | null;
}

export const CAMPAIGN_RECOVERY_NOTES = {
  notAtTwilio: 'not sent: the sender stopped during the call and Twilio has no such message; pending again',
  foundAtTwilio: 'the sender stopped during the call; found at Twilio and recorded, not sent again',
  emailAssumed:
    'outcome unknown: the sender stopped during the SendGrid call, which cannot be looked up; assumed sent',
} as const;

const FINAL = new Set(['queued', 'sent', 'delivered', 'failed', 'undelivered']);

/** Settles up to all ended claims of a campaign; returns how many recipients it settled. */
export async function recoverCampaignSends(
  em: EntityManager,
  clock: Clock,
  campaign: Campaign,
  messengerFor: (channels: Channel[]) => Promise<Messenger>,
  runnerId: string,
  leaseSeconds: number,
): Promise<number> {
  let settled = 0;
  for (;;) {
    const { rows, lookups } = await em.transactional(async (t) => {
      const tem = t as EntityManager;
      const rows = await query<EndedRow>(
        tem,
        `with ended as (
           select id from campaign_recipients where campaign_id = $1 and status = 'sending'
             and claimed_until < clock_timestamp()
           order by id limit 500 for update skip locked)
         select r.id::text as id, r.attempted_at, r.message_id, m.status as message_status, m.channel, m.recipient, m.body,
           m.content_sid, m.send_started_at
         from ended join campaign_recipients r on r.id = ended.id left join messages m on m.id = r.message_id`,
        [campaign.id],
      );
      const nowIso = clock.now().toISO()!;
      const outcomes: RecipientOutcome[] = [];
      const messages: SettledMessage[] = [];
      const lookups: EndedRow[] = [];
      const emailsInDoubt: EndedRow[] = [];
      for (const row of rows) {
        if (!row.message_id && campaign.channel === 'email') emailsInDoubt.push(row);
        else if (!row.message_id)
          outcomes.push({ id: row.id, status: 'pending', retryable: false, reason: null });
        else if (FINAL.has(row.message_status!))
          outcomes.push({
            id: row.id,
            status:
              row.message_status === 'failed' || row.message_status === 'undelivered' ? 'failed' : 'sent',
            retryable: false,
            reason: null,
          });
        else if (row.channel === 'email') {
          messages.push(verdict(row, 'unknown', 'interrupted', CAMPAIGN_RECOVERY_NOTES.emailAssumed, true));
          outcomes.push({ id: row.id, status: 'unknown', retryable: false, reason: 'interrupted' });
        } else lookups.push(row);
      }
      await settleMessages(tem, messages, nowIso);
      await recordRecipientOutcomes(tem, outcomes);
      await recordEmailsInDoubt(tem, campaign, emailsInDoubt, nowIso);
      if (lookups.length)
        await query(
          tem,
          `update campaign_recipients set claimed_by = $2, claimed_until = clock_timestamp() + make_interval(secs => $3)
           where id = any($1::bigint[])`,
          [lookups.map((l) => l.id), runnerId, leaseSeconds],
        );
      return { rows, lookups };
    });
    if (lookups.length) {
      const messenger = await messengerFor([...new Set(lookups.map((r) => r.channel!))]);
      for (let i = 0; i < lookups.length; i += 16)
        await lookUp(em, clock, messenger, lookups.slice(i, i + 16));
    }
    settled += rows.length;
    if (rows.length < 500) return settled;
  }
}

/**
 * E-mail recipients whose request's outcome was never recorded: their messages written now,
 * `unknown` (assumed sent), rendered from the campaign as the sender rendered them, grouped by
 * the time their group started (the messages' send start).
 */
async function recordEmailsInDoubt(
  em: EntityManager,
  campaign: Campaign,
  rows: EndedRow[],
  now: string,
): Promise<void> {
  if (!rows.length) return;
  // As the driver gives it (text, or a Date in process): written back as a timestamptz.
  const startedOf = new Map(
    rows.map((r) => [
      r.id,
      r.attempted_at instanceof Date ? r.attempted_at.toISOString() : (r.attempted_at ?? now),
    ]),
  );
  const byStart = new Map<string, GroupMessage[]>();
  for (const row of await recipientDetails(
    em,
    rows.map((r) => r.id),
  )) {
    // The address it went to, as far as anyone can tell now.
    const { message } = messageFor(campaign, row, row.email ?? 'unknown');
    const startedAt = startedOf.get(row.id)!;
    const group = byStart.get(startedAt);
    if (group) group.push(message);
    else byStart.set(startedAt, [message]);
  }
  for (const [startedAt, messages] of byStart)
    await recordEmailGroup(
      em,
      messages,
      {
        messageStatus: 'unknown',
        providerMessageId: null,
        errorCode: 'interrupted',
        errorMessage: CAMPAIGN_RECOVERY_NOTES.emailAssumed,
        tries: 1,
        recipientStatus: 'unknown',
        retryable: false,
        reason: 'interrupted',
      },
      startedAt,
      now,
    );
}

function verdict(
  row: EndedRow,
  status: SettledMessage['status'],
  errorCode: string | null,
  errorMessage: string,
  wentOut: boolean,
  providerMessageId: string | null = null,
): SettledMessage {
  return {
    messageId: row.message_id!,
    status,
    providerMessageId,
    errorCode,
    errorMessage,
    wentOut,
    called: row.message_status === 'sending',
  };
}

async function lookUp(
  em: EntityManager,
  clock: Clock,
  messenger: Messenger,
  rows: EndedRow[],
): Promise<void> {
  const answers = await askProviderAboutSends(messenger, rows, (row) => ({
    message: { channel: row.channel!, to: row.recipient!, body: row.body!, contentSid: row.content_sid },
    startedAt: new Date(row.send_started_at ?? Date.now()),
  }));
  await em.transactional(async (t) => {
    const tem = t as EntityManager;
    const messages: SettledMessage[] = [];
    const outcomes: RecipientOutcome[] = [];
    for (const answer of await assignFoundSends(tem, answers)) {
      const { row } = answer;
      if ('match' in answer) {
        const { match } = answer;
        messages.push(
          verdict(
            row,
            TWILIO_STATUS[match.status] ?? 'queued',
            null,
            CAMPAIGN_RECOVERY_NOTES.foundAtTwilio,
            true,
            match.providerMessageId,
          ),
        );
        outcomes.push({ id: row.id, status: 'sent', retryable: false, reason: null });
        continue;
      }
      if ('notFound' in answer) {
        messages.push(verdict(row, 'failed', 'not_sent', CAMPAIGN_RECOVERY_NOTES.notAtTwilio, false));
        outcomes.push({ id: row.id, status: 'pending', retryable: false, reason: null });
        continue;
      }
      const e = classifyTwilioError(answer.error);
      const reason = `outcome unknown: Twilio lookup failed (${e.errorCode}: ${e.errorMessage}); not sent again`;
      messages.push(verdict(row, 'unknown', 'lookup_failed', reason, false));
      outcomes.push({ id: row.id, status: 'unknown', retryable: false, reason: 'lookup_failed' });
    }
    await settleMessages(tem, messages, clock.now().toISO()!);
    await recordRecipientOutcomes(tem, outcomes);
  });
}
