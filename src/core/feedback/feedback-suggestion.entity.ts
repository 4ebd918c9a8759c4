import type { InferEntity } from '@mikro-orm/core';
import { mikroCore } from '../db/mikro-orm.js';
import { Hospital } from '../hospitals/hospital.entity.js';
import { Feedback } from './feedback.entity.js';
import { FeedbackSuggestionRepository } from './feedback-suggestion.repository.js';

const { defineEntity } = mikroCore;

export const SUGGESTION_STATUSES = ['new', 'planned', 'done', 'declined'] as const;
export type SuggestionStatus = (typeof SUGGESTION_STATUSES)[number];

/**
 * An improvement suggestion given with feedback (`SG-000001`), tracked per hospital:
 * `new → planned → done | declined` (trigger `feedback_suggestion_guard`).
 */
export const FeedbackSuggestion = defineEntity({
  name: 'FeedbackSuggestion',
  tableName: 'feedback_suggestion',
  repository: () => FeedbackSuggestionRepository,
  properties: (p) => ({
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    code: p.text().unique(),
    feedback: p.oneToOne(Feedback).owner(),
    hospital: p.manyToOne(Hospital),
    text: p.text(),
    status: p.text().$type<SuggestionStatus>().default('new'),
    note: p.text().nullable(),
    createdAt: p.datetime(),
    statusChangedAt: p.datetime().nullable(),
    statusChangedBy: p.text().nullable(),
  }),
});
export type FeedbackSuggestion = InferEntity<typeof FeedbackSuggestion>;
