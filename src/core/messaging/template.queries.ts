import type { EntityManager } from '@mikro-orm/postgresql';
import type { ServiceContext } from '../context.js';
import { MessageTemplate } from './message-template.entity.js';
import { messageTemplateRepository } from './message-template.repository.js';
import { DEFAULT_TEMPLATES, type TemplateVariant } from './template.js';

/** Every variant of a template: the saved ones, and the shipped default for languages not saved. */
export async function loadTemplate(em: EntityManager, key: string): Promise<TemplateVariant[]> {
  const saved: TemplateVariant[] = (await messageTemplateRepository(em).findByKey(key)).map((t) => ({
    language: t.language,
    subject: t.subject ?? null,
    body: t.body,
    contentSid: t.contentSid ?? null,
  }));
  const defaults = (DEFAULT_TEMPLATES[key] ?? []).filter(
    (d) => !saved.some((s) => s.language === d.language),
  );
  return [...saved, ...defaults];
}

/** A saved template variant as `message template list` prints it (`--json` keys as stored). */
export interface TemplateListRow {
  key: string;
  language: string;
  subject: string | null;
  body: string;
  content_sid: string | null;
}

/** Every saved template variant, by key and language. */
export async function listTemplates(ctx: ServiceContext): Promise<TemplateListRow[]> {
  const templates = await ctx.em.find(MessageTemplate, {}, { orderBy: { key: 'asc', language: 'asc' } });
  return templates.map((t) => ({
    key: t.key,
    language: t.language,
    subject: t.subject ?? null,
    body: t.body,
    content_sid: t.contentSid ?? null,
  }));
}
