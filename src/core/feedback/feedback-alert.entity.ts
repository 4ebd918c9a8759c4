import type { InferEntity } from '@mikro-orm/core';
import { mikroCore } from '../db/mikro-orm.js';
import { Hospital } from '../hospitals/hospital.entity.js';
import { Message } from '../messaging/message.entity.js';
import { Feedback } from './feedback.entity.js';
import { FeedbackAlertRepository } from './feedback-alert.repository.js';

const { defineEntity } = mikroCore;

export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/**
 * The closed-loop alert a low rating opens (`AL-2026-0001`), `open → acknowledged → resolved`;
 * trigger `feedback_alert_guard` refuses any other change. `message` is the e-mail queued to the
 * hospital's service manager (none when the hospital has no manager e-mail).
 */
export const FeedbackAlert = defineEntity({
  name: 'FeedbackAlert',
  tableName: 'feedback_alert',
  repository: () => FeedbackAlertRepository,
  properties: (p) => ({
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    code: p.text().unique(),
    feedback: p.oneToOne(Feedback).owner(),
    hospital: p.manyToOne(Hospital),
    status: p.text().$type<AlertStatus>().default('open'),
    reason: p.text(),
    openedAt: p.datetime(),
    dueAt: p.datetime(),
    acknowledgedAt: p.datetime().nullable(),
    acknowledgedBy: p.text().nullable(),
    resolvedAt: p.datetime().nullable(),
    resolvedBy: p.text().nullable(),
    resolutionNote: p.text().nullable(),
    message: p.manyToOne(Message).nullable(),
  }),
});
export type FeedbackAlert = InferEntity<typeof FeedbackAlert>;
