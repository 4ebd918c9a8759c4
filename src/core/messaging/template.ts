import { ValidationError } from '../errors.js';
import { LANGUAGES, type Language } from '../patients/patient.entity.js';

/** The variables a template may use (SPEC §4). */
export const TEMPLATE_VARIABLES = [
  'first_name',
  'last_name',
  'loyalty_points',
  'tier',
  'hospital_name',
  'appointment_time',
  'doctor_name',
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
export type TemplateValues = Partial<Record<TemplateVariable, string | number>>;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The variables a template text uses; throws when one is unknown or malformed (checked at save time). */
export function validateTemplate(text: string, field = 'template'): TemplateVariable[] {
  const used = new Set<TemplateVariable>();
  for (const m of text.matchAll(PLACEHOLDER)) {
    const name = m[1];
    if (!(TEMPLATE_VARIABLES as readonly string[]).includes(name))
      throw new ValidationError(
        field,
        `{{${name}}}`,
        `unknown variable; use ${TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(', ')}`,
      );
    used.add(name as TemplateVariable);
  }
  const stray = text.replace(PLACEHOLDER, '');
  if (/\{\{|\}\}/.test(stray)) throw new ValidationError(field, text, 'has an unclosed {{ or }}');
  return [...used];
}

/** Replaces every `{{variable}}`; a variable without a value renders empty. */
export function renderTemplate(text: string, values: TemplateValues): string {
  return text.replace(PLACEHOLDER, (_all, name: string) => {
    const v = values[name as TemplateVariable];
    return v === undefined || v === null ? '' : String(v);
  });
}

export interface TemplateVariant {
  language: Language;
  subject: string | null;
  body: string;
  contentSid: string | null;
}

/** The variant in the patient's language, else English (the required fallback). */
export function pickVariant(variants: TemplateVariant[], language: string): TemplateVariant | undefined {
  return variants.find((v) => v.language === language) ?? variants.find((v) => v.language === 'en');
}

export function isLanguage(value: string): value is Language {
  return (LANGUAGES as readonly string[]).includes(value);
}

/** Reminder texts that ship with crm; `crm message template set reminder …` replaces them. */
export const DEFAULT_TEMPLATES: Record<string, TemplateVariant[]> = {
  reminder: [
    {
      language: 'en',
      subject: 'Appointment reminder: {{appointment_time}}',
      body: 'Hello {{first_name}}, this is a reminder of your appointment with {{doctor_name}} at {{hospital_name}} on {{appointment_time}}. To change it, please call the hospital.',
      contentSid: null,
    },
  ],
  // Loyalty notices (core/loyalty/loyalty-notices.ts): `crm message template set loyalty.tier …`.
  'loyalty.tier': [
    {
      language: 'en',
      subject: 'You are now {{tier}}',
      body: 'Congratulations {{first_name}}! You have reached {{tier}} tier with {{loyalty_points}} points to spend. Thank you for choosing us.',
      contentSid: null,
    },
    {
      language: 'pcm',
      subject: 'You don reach {{tier}}',
      body: 'Congrats {{first_name}}! You don reach {{tier}} level, you get {{loyalty_points}} points to spend. Thank you say you choose us.',
      contentSid: null,
    },
  ],
  'loyalty.expiring': [
    {
      language: 'en',
      subject: 'Your points expire soon',
      body: 'Hello {{first_name}}, {{loyalty_points}} of your loyalty points expire soon. Redeem them at your next visit.',
      contentSid: null,
    },
  ],
};
