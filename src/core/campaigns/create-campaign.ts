import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { query } from '../db/sql.js';
import { ValidationError } from '../errors.js';
import { hospitalRepository } from '../hospitals/hospital.repository.js';
import { isLanguage } from '../messaging/template.js';
import { CHANNELS, type Channel, LANGUAGES } from '../patients/patient.entity.js';
import {
  CAMPAIGN_PURPOSES,
  Campaign,
  type CampaignPurpose,
  type CampaignTemplates,
  SEGMENTS,
  type Segment,
  TIERS,
} from './campaign.entity.js';
import { type CampaignView, toCampaignView } from './campaign.view.js';
import { slugify, validateCampaignTemplates } from './campaign-template.js';

export interface CreateCampaignInput {
  name: string;
  segment: string;
  hospital?: string;
  inactiveDays?: number;
  tiers?: string[];
  channel: string;
  /** Text per language (`en` required). */
  templates: CampaignTemplates;
  subject?: string;
  contentSid?: string;
  purpose?: string;
}

const CONTENT_SID = /^HX[0-9a-fA-F]{32}$/;

function oneOf<T extends string>(field: string, value: string | undefined, allowed: readonly T[]): T {
  const v = value?.trim().toLowerCase();
  if (!v || !(allowed as readonly string[]).includes(v))
    throw new ValidationError(field, value, `expected one of ${allowed.join(', ')}`);
  return v as T;
}

/**
 * `--content-sid`: one SID (`HX…`) for every language, or one per language
 * (`en=HX…,yo=HX…`, English required: it is the fallback and the campaign's `contentSid`).
 */
export function parseContentSids(value: string | undefined): {
  contentSid: string | null;
  contentSids: CampaignTemplates | null;
} {
  const text = value?.trim() ?? '';
  if (!text) return { contentSid: null, contentSids: null };
  const checkSid = (sid: string) => {
    if (!CONTENT_SID.test(sid))
      throw new ValidationError('content-sid', sid, 'expected HX followed by 32 hexadecimal digits');
    return sid;
  };
  if (!text.includes('=')) return { contentSid: checkSid(text), contentSids: null };
  const contentSids: CampaignTemplates = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [language = '', sid = ''] = part.split('=').map((p) => p.trim());
    if (!isLanguage(language))
      throw new ValidationError('content-sid', part, `not a language (${LANGUAGES.join(', ')})`);
    if (contentSids[language as keyof CampaignTemplates])
      throw new ValidationError('content-sid', part, `${language} is given twice`);
    contentSids[language as keyof CampaignTemplates] = checkSid(sid);
  }
  if (!contentSids.en)
    throw new ValidationError(
      'content-sid',
      text,
      'name the English template too (en=HX…): it is the fallback',
    );
  return { contentSid: contentSids.en, contentSids };
}

/**
 * Creates a draft campaign. Everything a send would trip over is checked here (exit 3): unknown
 * template variables, a WhatsApp campaign without its approved template's Content SID, an e-mail
 * campaign without a subject, segment options that do not fit the segment. The slug is the name's
 * (`December checkup` → `december-checkup`), with `-2`, `-3`… when taken.
 */
export async function createCampaign(ctx: ServiceContext, input: CreateCampaignInput): Promise<CampaignView> {
  const name = input.name?.trim();
  if (!name) throw new ValidationError('name', input.name, 'is required');
  if (name.length > 200) throw new ValidationError('name', name, 'is longer than 200 characters');
  const segment = oneOf<Segment>('segment', input.segment, SEGMENTS);
  const channel = oneOf<Channel>('channel', input.channel, CHANNELS);
  const purpose = oneOf<CampaignPurpose>('purpose', input.purpose ?? 'marketing', CAMPAIGN_PURPOSES);
  const templates = validateCampaignTemplates(input.templates, channel);
  const subject = input.subject?.trim() || null;
  const { contentSid, contentSids } = parseContentSids(input.contentSid);
  if (channel === 'email' && !subject)
    throw new ValidationError('subject', input.subject, 'an e-mail campaign needs a subject');
  if (subject) validateCampaignTemplates({ en: subject }, 'email');
  if (channel === 'whatsapp' && !contentSid)
    throw new ValidationError(
      'content-sid',
      input.contentSid,
      'a WhatsApp campaign starts conversations: it needs the Content SID (HX…) of an approved template',
    );
  if (contentSid && channel !== 'whatsapp')
    throw new ValidationError('content-sid', input.contentSid, 'only a WhatsApp campaign uses a Content SID');
  if (contentSids) {
    // Per language: every variant the campaign has needs its own approved template, and no SID
    // may name a language the campaign has no text for.
    for (const language of Object.keys(templates))
      if (!contentSids[language as keyof CampaignTemplates])
        throw new ValidationError(
          'content-sid',
          input.contentSid,
          `the ${language} variant needs its own Content SID (${language}=HX…), or give one SID for every language`,
        );
    for (const language of Object.keys(contentSids))
      if (!templates[language as keyof CampaignTemplates])
        throw new ValidationError('content-sid', input.contentSid, `the campaign has no ${language} text`);
  }
  let inactiveDays: number | null = null;
  if (input.inactiveDays !== undefined) {
    if (segment !== 'inactive')
      throw new ValidationError('inactive-days', input.inactiveDays, 'only for --segment inactive');
    if (!Number.isInteger(input.inactiveDays) || input.inactiveDays < 1 || input.inactiveDays > 3650)
      throw new ValidationError(
        'inactive-days',
        input.inactiveDays,
        'expected a whole number of days, 1 to 3650',
      );
    inactiveDays = input.inactiveDays;
  } else if (segment === 'inactive') inactiveDays = ctx.config.campaigns.inactiveDays;
  let tiers: string[] | null = null;
  if (input.tiers !== undefined) {
    if (segment !== 'high-value')
      throw new ValidationError('tier', input.tiers.join(','), 'only for --segment high-value');
    tiers = [...new Set(input.tiers.map((t) => oneOf('tier', t, TIERS)))];
    if (!tiers.length) throw new ValidationError('tier', '', 'name at least one tier');
  } else if (segment === 'high-value') tiers = ['gold', 'platinum'];
  if (input.hospital && segment === 'all-owners')
    throw new ValidationError(
      'hospital',
      input.hospital,
      'owners are not patients of a hospital; drop --hospital',
    );
  if (segment === 'all-owners' && purpose === 'marketing' && channel === 'whatsapp')
    throw new ValidationError('channel', channel, 'owners are reached by e-mail or SMS');

  return ctx.em.transactional(async (em) => {
    const hospital = input.hospital ? await hospitalRepository(em).getByRef(input.hospital) : null;
    const base = slugify(name);
    // The first free slug among base, base-2, base-3…; the unique key settles a race (exit 5).
    const taken = await query<{ slug: string }>(
      em,
      `select slug from campaign where slug = $1 or slug ~ ('^' || $1 || '-[0-9]+$')`,
      [base],
    );
    const used = new Set(taken.map((t) => t.slug));
    let slug = base;
    for (let n = 2; used.has(slug); n++) slug = `${base}-${n}`;
    const now = ctx.clock.now().toJSDate();
    const campaign = em.create(Campaign, {
      slug,
      name,
      segment,
      hospital: hospital?.id ?? null,
      inactiveDays,
      tiers,
      channel,
      purpose,
      templates,
      subject,
      contentSid,
      contentSids,
      status: 'draft',
      createdBy: ctx.actor.operator,
      createdAt: now,
      updatedAt: now,
    } as never);
    await em.flush();
    await recordAudit(em, ctx.actor, 'campaign', campaign.id, {
      action: 'create',
      slug,
      segment,
      channel,
      purpose,
      languages: Object.keys(templates),
    });
    return toCampaignView(campaign, hospital?.code ?? null);
  });
}
