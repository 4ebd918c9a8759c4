import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { ValidationError } from '../errors.js';
import { MessageTemplate } from './message-template.entity.js';
import { isLanguage, type TemplateVariant, validateTemplate } from './template.js';

export interface SaveTemplateInput {
  key: string;
  language: string;
  body: string;
  subject?: string;
  /** Twilio Content SID of the approved WhatsApp template for this text (`HX…`). */
  contentSid?: string;
}

/** Saves (or replaces) one language variant of a template; unknown variables are refused here. */
export async function setTemplate(
  ctx: ServiceContext,
  input: SaveTemplateInput,
): Promise<TemplateVariant & { key: string }> {
  const key = input.key.trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9_.-]*$/.test(key))
    throw new ValidationError('key', input.key, 'use lower-case letters, digits, _ . -');
  const language = input.language.trim().toLowerCase();
  if (!isLanguage(language))
    throw new ValidationError('language', input.language, 'use en, pcm, yo, ha or ig');
  if (!input.body.trim()) throw new ValidationError('body', input.body, 'is empty');
  validateTemplate(input.body, 'body');
  if (input.subject) validateTemplate(input.subject, 'subject');
  if (input.contentSid && !/^HX[0-9a-fA-F]{32}$/.test(input.contentSid))
    throw new ValidationError(
      'content-sid',
      input.contentSid,
      'not a Twilio Content SID (HX + 32 hex digits)',
    );
  const saved = {
    key,
    language,
    subject: input.subject ?? null,
    body: input.body,
    contentSid: input.contentSid ?? null,
  };
  return ctx.em.transactional(async (em) => {
    // One statement (insert … on conflict (key, language) do update): two operators saving the
    // same variant at once both succeed, the last one wins. `updated_at` is the real time of the
    // save (not the CRM_NOW clock), as the column's default is.
    await em.upsert(MessageTemplate, { ...saved, updatedAt: new Date() } as never, {
      onConflictFields: ['key', 'language'],
      onConflictAction: 'merge',
      onConflictMergeFields: ['subject', 'body', 'contentSid', 'updatedAt'],
    });
    await recordAudit(em, ctx.actor, 'message_template', `${key}:${language}`, { key, language });
    return saved;
  });
}
