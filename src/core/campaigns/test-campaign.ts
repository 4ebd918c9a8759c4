import type { ServiceContext } from '../context.js';
import { ValidationError } from '../errors.js';
import type { Messenger } from '../messaging/messenger.js';
import { type SentMessage, sendMessage } from '../messaging/send-message.js';
import { isLanguage } from '../messaging/template.js';
import { LANGUAGES } from '../patients/patient.entity.js';
import { normalizePhone } from '../phone.js';
import { campaignRepository } from './campaign.repository.js';
import { renderFor } from './campaign-render.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Sends one rendered message of a campaign (in English or the language asked for, with sample values) to an operator's own
 * number or address. It is a `messages` row (purpose campaign, reference `campaign-test:<slug>`)
 * but no recipient of the campaign: not counted, not capped, not consent-checked.
 */
export async function testCampaign(
  ctx: ServiceContext,
  messenger: Messenger,
  ref: string,
  to: string,
  language = 'en',
): Promise<SentMessage & { to: string; body: string }> {
  const campaign = await campaignRepository(ctx.em).getByRef(ref);
  let address = to.trim();
  if (campaign.channel === 'email') {
    if (!EMAIL.test(address))
      throw new ValidationError('to', to, 'an e-mail campaign is tested on an e-mail address');
    address = address.toLowerCase();
  } else {
    const phone = normalizePhone(address);
    if (!phone.ok) throw new ValidationError('to', to, phone.reason);
    address = phone.e164;
  }
  if (!isLanguage(language))
    throw new ValidationError('language', language, `not a language (${LANGUAGES.join(', ')})`);
  if (!campaign.templates[language as keyof typeof campaign.templates])
    throw new ValidationError('language', language, `the campaign has no ${language} text`);
  const { body, subject, contentSid, contentVariables } = renderFor(campaign, {
    id: '0',
    patient_id: null,
    owner_id: null,
    first_name: 'Test',
    last_name: 'Recipient',
    phone: address,
    email: address,
    language,
    opted_out_sms: false,
    opted_out_whatsapp: false,
    opted_out_email: false,
    consent_sms: true,
    consent_whatsapp: true,
    consent_email: true,
    hospital_name: 'Your Hospital',
    loyalty_points: '1000',
    tier: 'gold',
  });
  const sent = await sendMessage(ctx, messenger, {
    channel: campaign.channel,
    to: address,
    body,
    subject,
    contentSid,
    contentVariables,
    purpose: 'campaign',
    reference: `campaign-test:${campaign.slug}`,
  });
  return { ...sent, to: address, body };
}
