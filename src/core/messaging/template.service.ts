import type { EntityManager } from '@mikro-orm/postgresql';
import { type Actor, recordAudit } from '../audit/audit.js';
import { query } from '../db/sql.js';
import { ValidationError } from '../errors.js';
import { DEFAULT_TEMPLATES, isLanguage, type TemplateVariant, validateTemplate } from './template.js';

export interface SaveTemplateInput {
  key: string;
  language: string;
  body: string;
  subject?: string;
  /** Twilio Content SID of the approved WhatsApp template for this text (`HX…`). */
  contentSid?: string;
}

/** Saves (or replaces) one language variant of a template; unknown variables are refused here. */
export async function saveTemplate(
  em: EntityManager,
  input: SaveTemplateInput,
  actor: Actor,
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
  return em.transactional(async (tem) => {
    await query(
      tem as EntityManager,
      `insert into message_template (key, language, subject, body, content_sid) values ($1, $2, $3, $4, $5)
       on conflict (key, language) do update set subject = excluded.subject, body = excluded.body,
         content_sid = excluded.content_sid, updated_at = now()`,
      [key, language, input.subject ?? null, input.body, input.contentSid ?? null],
    );
    await recordAudit(tem as EntityManager, actor, 'message_template', `${key}:${language}`, {
      key,
      language,
    });
    return {
      key,
      language,
      subject: input.subject ?? null,
      body: input.body,
      contentSid: input.contentSid ?? null,
    };
  });
}

/** Every variant of a template: the saved ones, and the shipped default for languages not saved. */
export async function loadTemplate(em: EntityManager, key: string): Promise<TemplateVariant[]> {
  const rows = await query<{
    language: string;
    subject: string | null;
    body: string;
    content_sid: string | null;
  }>(em, 'select language, subject, body, content_sid from message_template where key = $1', [key]);
  const saved: TemplateVariant[] = rows.map((r) => ({
    language: r.language as TemplateVariant['language'],
    subject: r.subject,
    body: r.body,
    contentSid: r.content_sid,
  }));
  const defaults = (DEFAULT_TEMPLATES[key] ?? []).filter(
    (d) => !saved.some((s) => s.language === d.language),
  );
  return [...saved, ...defaults];
}

export async function listTemplates(em: EntityManager) {
  return query<{
    key: string;
    language: string;
    subject: string | null;
    body: string;
    content_sid: string | null;
  }>(em, 'select key, language, subject, body, content_sid from message_template order by key, language');
}
