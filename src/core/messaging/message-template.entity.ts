import type { InferEntity } from '@mikro-orm/core';
import { mikroCore } from '../db/mikro-orm.js';
import type { Language } from '../patients/patient.entity.js';
import { MessageTemplateRepository } from './message-template.repository.js';

const { defineEntity } = mikroCore;

/**
 * One language variant of a message template (table `message_template`), unique per key and
 * language. The key format, language list and non-empty body are checked in migrations/
 * (Migration20261125110000), as is the unique constraint.
 */
export const MessageTemplate = defineEntity({
  name: 'MessageTemplate',
  tableName: 'message_template',
  repository: () => MessageTemplateRepository,
  properties: (p) => ({
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    key: p.text(),
    language: p.text().$type<Language>(),
    subject: p.text().nullable(),
    body: p.text(),
    contentSid: p.text().nullable(),
    updatedAt: p.datetime().defaultRaw('now()'),
  }),
});
export type MessageTemplate = InferEntity<typeof MessageTemplate>;
