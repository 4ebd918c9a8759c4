/**
 * Messages to patients about their points (purpose `loyalty`): a tier change and "points expiring
 * soon". Queued in the transaction of the state that causes them (core/messaging/outbox.ts) and
 * sent by the outbox sender. Each patient gets their language's variant of the template (English
 * when there is none) through their preferred channel, or the first other channel they can
 * receive; these are service messages about their own account, so marketing consent is not
 * needed, but an opt-out always wins. WhatsApp only with an approved template (a Content SID on
 * the template's variant), because these messages start a conversation.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '../db/sql.js';
import type { PendingMessage } from '../messaging/message.types.js';
import { queueMessage } from '../messaging/outbox.js';
import {
  pickVariant,
  renderTemplate,
  type TemplateValues,
  type TemplateVariant,
} from '../messaging/template.js';
import { loadTemplate } from '../messaging/template.queries.js';
import type { Channel } from '../patients/patient.entity.js';

export const TIER_TEMPLATE = 'loyalty.tier';
export const EXPIRY_TEMPLATE = 'loyalty.expiring';

/** What a notice needs to know about its patient. */
export interface NoticeRecipient {
  id: string;
  first_name: string;
  last_name: string;
  phone: string | null;
  email: string | null;
  preferred_channel: Channel;
  preferred_language: string;
  opted_out_sms: boolean;
  opted_out_whatsapp: boolean;
  opted_out_email: boolean;
}

const CHANNEL_ORDER: Channel[] = ['sms', 'whatsapp', 'email'];

/** The message for one patient, or null when they can receive none of the channels. */
export function composeNotice(
  patient: NoticeRecipient,
  variants: TemplateVariant[],
  values: TemplateValues,
  reference: string,
): PendingMessage | null {
  const variant = pickVariant(variants, patient.preferred_language);
  if (!variant) return null;
  const can = (c: Channel) => {
    if (patient[`opted_out_${c}`]) return false;
    if (c === 'email') return Boolean(patient.email);
    if (c === 'whatsapp') return Boolean(patient.phone && variant.contentSid);
    return Boolean(patient.phone);
  };
  const channel = [patient.preferred_channel, ...CHANNEL_ORDER].find(can);
  if (!channel) return null;
  const all = { first_name: patient.first_name, last_name: patient.last_name, ...values };
  const message: PendingMessage = {
    channel,
    to: channel === 'email' ? patient.email! : patient.phone!,
    body: renderTemplate(variant.body, all),
    subject: channel === 'email' ? renderTemplate(variant.subject ?? 'Your loyalty points', all) : null,
    purpose: 'loyalty',
    patientId: patient.id,
    reference,
  };
  if (channel === 'whatsapp') {
    message.contentSid = variant.contentSid;
    message.contentVariables = {
      1: String(all.first_name ?? ''),
      2: String(all.tier ?? ''),
      3: String(all.loyalty_points ?? ''),
    };
  }
  return message;
}

export async function noticeRecipients(
  em: EntityManager,
  patientIds: string[],
): Promise<Map<string, NoticeRecipient>> {
  const rows = await query<NoticeRecipient>(
    em,
    `select id, first_name, last_name, phone, email, preferred_channel, preferred_language,
            opted_out_sms, opted_out_whatsapp, opted_out_email
     from patient where id = any($1::uuid[])`,
    [patientIds],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

/** Queues one notice per item (in the caller's transaction); returns how many were queued. */
export async function queueNotices(
  em: EntityManager,
  templateKey: string,
  items: { patientId: string; values: TemplateValues; reference: string }[],
  now: Date,
): Promise<number> {
  if (items.length === 0) return 0;
  const variants = await loadTemplate(em, templateKey);
  const recipients = await noticeRecipients(em, [...new Set(items.map((i) => i.patientId))]);
  let queued = 0;
  for (const item of items) {
    const patient = recipients.get(item.patientId);
    const message = patient && composeNotice(patient, variants, item.values, item.reference);
    if (!message) continue;
    queueMessage(em, message, now);
    queued++;
  }
  await em.flush();
  return queued;
}
