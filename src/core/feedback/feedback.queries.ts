/** Reads for the feedback commands: lists and shows of feedback, alerts and suggestions. */
import type { ServiceContext } from '../context.js';
import { ValidationError } from '../errors.js';
import { hospitalRepository } from '../hospitals/hospital.repository.js';
import { parsePeriod } from '../time.js';
import { Feedback } from './feedback.entity.js';
import { feedbackRepository } from './feedback.repository.js';
import {
  type AlertView,
  type FeedbackView,
  type SuggestionView,
  toAlertView,
  toFeedbackView,
  toSuggestionView,
} from './feedback.view.js';
import { ALERT_STATUSES, type AlertStatus, FeedbackAlert } from './feedback-alert.entity.js';
import {
  FeedbackSuggestion,
  SUGGESTION_STATUSES,
  type SuggestionStatus,
} from './feedback-suggestion.entity.js';

export interface ListFeedbackInput {
  hospital?: string;
  /** `YYYY-MM` or `YYYY-Qn` (Lagos time). */
  period?: string;
  minRating?: string | number;
  maxRating?: string | number;
  limit?: number;
}

function ratingBound(value: string | number | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(String(value).trim()) || n < 1 || n > 5)
    throw new ValidationError(field, value, 'expected a whole number from 1 to 5');
  return n;
}

/** Feedback, newest first, without deleted ones; with each one's alert and suggestion. */
export async function listFeedback(
  ctx: ServiceContext,
  input: ListFeedbackInput = {},
): Promise<FeedbackView[]> {
  const min = ratingBound(input.minRating, '--min-rating');
  const max = ratingBound(input.maxRating, '--max-rating');
  const where: Record<string, unknown> = { deletedAt: null };
  if (input.hospital) where.hospital = (await hospitalRepository(ctx.em).getByRef(input.hospital)).id;
  if (input.period) {
    const p = parsePeriod(input.period, '--period');
    where.submittedAt = { $gte: p.start.toJSDate(), $lt: p.end.toJSDate() };
  }
  if (min !== undefined || max !== undefined)
    where.rating = {
      ...(min !== undefined ? { $gte: min } : {}),
      ...(max !== undefined ? { $lte: max } : {}),
    };
  const rows = await ctx.em.find(Feedback, where as never, {
    populate: ['patient', 'hospital', 'appointment', 'doctor'],
    orderBy: { submittedAt: 'desc', code: 'desc' },
    limit: input.limit ?? 100,
  });
  return withFollowUps(ctx, rows);
}

/** One feedback (deleted ones too), by code or id. */
export async function showFeedback(ctx: ServiceContext, ref: string): Promise<FeedbackView> {
  const feedback = await feedbackRepository(ctx.em).getByRef(ref);
  await ctx.em.populate(feedback, ['patient', 'hospital', 'appointment', 'doctor']);
  return (await withFollowUps(ctx, [feedback]))[0];
}

async function withFollowUps(ctx: ServiceContext, rows: Feedback[]): Promise<FeedbackView[]> {
  const ids = rows.map((r) => r.id);
  const [alerts, suggestions] = await Promise.all([
    ctx.em.find(FeedbackAlert, { feedback: { $in: ids } } as never),
    ctx.em.find(FeedbackSuggestion, { feedback: { $in: ids } } as never),
  ]);
  const alertOf = new Map(alerts.map((a) => [a.feedback.id, a]));
  const suggestionOf = new Map(suggestions.map((s) => [s.feedback.id, s]));
  const now = ctx.clock.now().toJSDate();
  return rows.map((f) => toFeedbackView(f, alertOf.get(f.id) ?? null, suggestionOf.get(f.id) ?? null, now));
}

export interface ListAlertsInput {
  status?: string;
  overdue?: boolean;
  hospital?: string;
}

/**
 * Alerts, overdue ones first (oldest due first), then the others by due time; resolved alerts
 * only when asked for by `--status resolved`, most recently resolved first.
 */
export async function listAlerts(ctx: ServiceContext, input: ListAlertsInput = {}): Promise<AlertView[]> {
  const status = input.status?.trim().toLowerCase() as AlertStatus | undefined;
  if (status !== undefined && !ALERT_STATUSES.includes(status))
    throw new ValidationError('--status', input.status, `expected ${ALERT_STATUSES.join(', ')}`);
  const now = ctx.clock.now().toJSDate();
  const where: Record<string, unknown> = status ? { status } : { status: { $ne: 'resolved' } };
  if (input.overdue) {
    if (status === 'resolved')
      throw new ValidationError('--overdue', true, 'a resolved alert is never overdue');
    where.status = status ?? { $ne: 'resolved' };
    where.dueAt = { $lt: now };
  }
  if (input.hospital) where.hospital = (await hospitalRepository(ctx.em).getByRef(input.hospital)).id;
  const alerts = await ctx.em.find(FeedbackAlert, where as never, {
    populate: ['feedback', 'hospital'],
    orderBy: status === 'resolved' ? { resolvedAt: 'desc' } : { dueAt: 'asc', code: 'asc' },
    limit: 500,
  });
  const views = alerts.map((a) => toAlertView(a, a.feedback.code, a.hospital.code, now));
  // Stable: overdue first, each group keeping its order.
  return [...views.filter((v) => v.overdue), ...views.filter((v) => !v.overdue)];
}

export interface ListSuggestionsInput {
  hospital?: string;
  status?: string;
}

/** Suggestions, newest first. */
export async function listSuggestions(
  ctx: ServiceContext,
  input: ListSuggestionsInput = {},
): Promise<SuggestionView[]> {
  const status = input.status?.trim().toLowerCase() as SuggestionStatus | undefined;
  if (status !== undefined && !SUGGESTION_STATUSES.includes(status))
    throw new ValidationError('--status', input.status, `expected ${SUGGESTION_STATUSES.join(', ')}`);
  const where: Record<string, unknown> = {};
  if (status) where.status = status;
  if (input.hospital) where.hospital = (await hospitalRepository(ctx.em).getByRef(input.hospital)).id;
  const rows = await ctx.em.find(FeedbackSuggestion, where as never, {
    populate: ['feedback', 'hospital'],
    orderBy: { createdAt: 'desc', code: 'desc' },
    limit: 500,
  });
  return rows.map((s) => toSuggestionView(s, s.feedback.code, s.hospital.code));
}
