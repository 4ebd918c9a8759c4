import { countSegments } from '../messaging/segments.js';
import { renderTemplate, type TemplateValues, validateTemplate } from '../messaging/template.js';
import type { Campaign, CampaignTemplates } from './campaign.entity.js';
import type { ClaimedRow, DetailNeeds, GroupMessage } from './campaign-send.sql.js';
import { contentVariableOrder } from './campaign-template.js';

/** Which joined details the campaign's texts (every variant, and the subject) use. */
export function detailNeeds(campaign: Campaign): DetailNeeds {
  const texts = [...Object.values(campaign.templates), campaign.subject].filter((t): t is string => !!t);
  const used = new Set(texts.flatMap((t) => validateTemplate(t)));
  return { hospital: used.has('hospital_name'), loyalty: used.has('loyalty_points') || used.has('tier') };
}

/** The text of a campaign in a language: that variant, else English. */
export function variantText(campaign: Campaign, language: string): { language: string; text: string } {
  const text = campaign.templates[language as keyof typeof campaign.templates];
  return text ? { language, text } : { language: 'en', text: campaign.templates.en! };
}

/**
 * The approved WhatsApp template for a language and the text whose variables it numbers: that
 * language's own when the campaign names one per language, else the one template (numbered in
 * the English text's order, as it was approved).
 */
export function contentTemplateFor(
  campaign: Campaign,
  language: string,
): { contentSid: string | null; text: string } {
  const variant = variantText(campaign, language);
  const own = campaign.contentSids?.[variant.language as keyof CampaignTemplates];
  if (own) return { contentSid: own, text: variant.text };
  return { contentSid: campaign.contentSid ?? null, text: campaign.templates.en! };
}

/** The values a recipient's text is filled with. */
export function valuesOf(
  row: Pick<ClaimedRow, 'first_name' | 'last_name' | 'hospital_name' | 'loyalty_points' | 'tier'>,
): TemplateValues {
  return {
    first_name: row.first_name ?? '',
    last_name: row.last_name ?? '',
    hospital_name: row.hospital_name ?? '',
    loyalty_points: row.loyalty_points ?? '',
    tier: row.tier ?? '',
  };
}

/** The rendered message for a recipient (body and subject in their language). */
export function renderFor(
  campaign: Campaign,
  row: ClaimedRow,
): {
  body: string;
  subject: string | null;
  contentSid: string | null;
  contentVariables: Record<string, string> | null;
} {
  const values = valuesOf(row);
  const body = renderTemplate(variantText(campaign, row.language).text, values);
  const subject = campaign.subject ? renderTemplate(campaign.subject, values) : null;
  if (campaign.channel !== 'whatsapp') return { body, subject, contentSid: null, contentVariables: null };
  const template = contentTemplateFor(campaign, row.language);
  const contentVariables: Record<string, string> = {};
  contentVariableOrder(template.text).forEach((name, i) => {
    contentVariables[String(i + 1)] = String(values[name as keyof TemplateValues] ?? '');
  });
  return { body, subject, contentSid: template.contentSid, contentVariables };
}

/**
 * What to do with a claimed recipient now: skip (an opt-out — a patient's or an owner's — or a
 * withdrawn marketing consent, since the snapshot; no address) or send this message. `ownerId`
 * names an owner recipient, whom a Twilio 21610 opts out.
 */
export function decideRecipient(
  campaign: Campaign,
  row: ClaimedRow,
):
  | { skip: string }
  | { message: GroupMessage; contentVariables: Record<string, string> | null; ownerId: string | null } {
  const ch = campaign.channel;
  const to = ch === 'email' ? row.email : row.phone;
  if (!to) return { skip: 'no_contact' };
  if (row[`opted_out_${ch}`]) return { skip: 'opted_out' };
  if (campaign.purpose === 'marketing' && row.patient_id && !row[`consent_${ch}`])
    return { skip: 'no_consent' };
  const { message, contentVariables } = messageFor(campaign, row, to);
  return { contentVariables, ownerId: row.owner_id, message };
}

/** A recipient's message to `to`, rendered in their language, with its reference. */
export function messageFor(
  campaign: Campaign,
  row: ClaimedRow,
  to: string,
): { message: GroupMessage; contentVariables: Record<string, string> | null } {
  const ch = campaign.channel;
  const { body, subject, contentSid, contentVariables } = renderFor(campaign, row);
  return {
    contentVariables,
    message: {
      recipientId: row.id,
      patientId: row.patient_id,
      channel: ch,
      to,
      subject,
      body,
      contentSid,
      segments: ch === 'email' ? null : countSegments(body).segments,
      reference: `campaign:${campaign.id}:${row.id}`,
    },
  };
}
