/**
 * A campaign's texts: one variant per language (`en` required, the fallback), checked when the
 * campaign is created, and the slug made from its name.
 *
 * The `--template-file` format: a line `[en]` (or `[pcm]`, `[yo]`, `[ha]`, `[ig]`) starts a
 * variant, the lines after it up to the next such line are its text (leading and trailing blank
 * lines dropped); lines before the first header and lines starting with `#` right after a header
 * are comments. A file without any header is the English text.
 */
import { ValidationError } from '../errors.js';
import { isLanguage, TEMPLATE_VARIABLES, validateTemplate } from '../messaging/template.js';
import type { Channel, Language } from '../patients/patient.entity.js';
import type { CampaignTemplates } from './campaign.entity.js';

/** Variables a campaign can fill: a campaign is about no appointment. */
export const CAMPAIGN_VARIABLES = TEMPLATE_VARIABLES.filter(
  (v) => v !== 'appointment_time' && v !== 'doctor_name',
);

const HEADER = /^\s*\[([a-zA-Z]+)\]\s*$/;

/** Parses the `[lang]` sections of a template file into variants (not validated yet). */
export function parseTemplateFile(text: string, file = '--template-file'): CampaignTemplates {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const out: Record<string, string[]> = {};
  let current: string | undefined;
  let sawHeader = false;
  for (const line of lines) {
    const m = HEADER.exec(line);
    if (m) {
      const lang = m[1].toLowerCase();
      if (!isLanguage(lang))
        throw new ValidationError(file, `[${m[1]}]`, 'unknown language; use en, pcm, yo, ha, ig');
      if (out[lang]) throw new ValidationError(file, `[${lang}]`, 'language given twice');
      current = lang;
      sawHeader = true;
      out[lang] = [];
      continue;
    }
    if (current) out[current].push(line);
  }
  if (!sawHeader) return { en: text.trim() };
  const result: CampaignTemplates = {};
  for (const [lang, body] of Object.entries(out)) {
    const kept = body.filter(
      (l, i) => !(l.startsWith('#') && body.slice(0, i).every((x) => x.startsWith('#'))),
    );
    result[lang as Language] = kept.join('\n').trim();
  }
  return result;
}

/**
 * Checks a campaign's variants: English present, no empty text, only the variables a campaign
 * fills ({{first_name}}, {{last_name}}, {{loyalty_points}}, {{tier}}, {{hospital_name}}).
 */
export function validateCampaignTemplates(templates: CampaignTemplates, channel: Channel): CampaignTemplates {
  if (!templates.en?.trim())
    throw new ValidationError('template', undefined, 'an English (en) text is required: it is the fallback');
  const out: CampaignTemplates = {};
  for (const [lang, text] of Object.entries(templates)) {
    if (!isLanguage(lang))
      throw new ValidationError('template', lang, 'unknown language; use en, pcm, yo, ha, ig');
    const field = lang === 'en' ? 'template' : `template [${lang}]`;
    if (!text?.trim()) throw new ValidationError(field, text, 'is empty');
    for (const variable of validateTemplate(text, field))
      if (!(CAMPAIGN_VARIABLES as readonly string[]).includes(variable))
        throw new ValidationError(
          field,
          `{{${variable}}}`,
          `a campaign has no appointment; use ${CAMPAIGN_VARIABLES.map((v) => `{{${v}}}`).join(', ')}`,
        );
    if (channel !== 'email' && text.length > 1600)
      throw new ValidationError(
        field,
        text,
        `is ${text.length} characters; an SMS or WhatsApp text holds at most 1600`,
      );
    out[lang as Language] = text.trim();
  }
  return out;
}

/** `December checkup!` → `december-checkup`; ASCII letters and digits only (accents dropped). */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug || 'campaign';
}

/**
 * The numbered variables of a WhatsApp Content template: the campaign's variables in the order
 * they first appear in the text the template was approved with (English, or the language's own
 * when the campaign has a template per language), `{"1": first_name, "2": …}`.
 */
export function contentVariableOrder(templateText: string): string[] {
  const order: string[] = [];
  for (const m of templateText.matchAll(/\{\{\s*([a-z_]+)\s*\}\}/g))
    if (!order.includes(m[1])) order.push(m[1]);
  return order;
}
