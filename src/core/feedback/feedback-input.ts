/**
 * Validation of what an operator types for `feedback record`, before anything is written: each
 * problem is a one-line ValidationError naming the flag and the value (exit 3).
 */
import { ValidationError } from '../errors.js';
import { FEEDBACK_CATEGORIES, type FeedbackCategory } from './feedback.entity.js';

export interface RecordFeedbackInput {
  patient: string;
  appointment?: string;
  /** Only when no appointment is given: the hospital the feedback is about (else the patient's). */
  hospital?: string;
  rating: string | number;
  /** `doctor=5`, `wait_time=2`, … */
  categories?: string[];
  nps?: string | number;
  comment?: string;
  suggestion?: string;
}

export interface ValidFeedback {
  rating: number;
  nps: number | null;
  scores: Partial<Record<FeedbackCategory, number>>;
  comment: string | null;
  suggestion: string | null;
}

function wholeNumber(value: string | number, field: string, min: number, max: number): number {
  const text = String(value).trim();
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max)
    throw new ValidationError(field, value, `expected a whole number from ${min} to ${max}`);
  return n;
}

export function validateFeedback(input: RecordFeedbackInput): ValidFeedback {
  if (input.rating === undefined || input.rating === '')
    throw new ValidationError('--rating', undefined, 'is required (1 to 5)');
  const rating = wholeNumber(input.rating, '--rating', 1, 5);
  const nps = input.nps === undefined || input.nps === '' ? null : wholeNumber(input.nps, '--nps', 0, 10);
  const scores: Partial<Record<FeedbackCategory, number>> = {};
  for (const entry of input.categories ?? []) {
    const m = /^\s*([a-z_]+)\s*=\s*(.*)$/i.exec(entry);
    if (!m) throw new ValidationError('--category', entry, 'expected NAME=SCORE, e.g. wait_time=2');
    const name = m[1].toLowerCase() as FeedbackCategory;
    if (!FEEDBACK_CATEGORIES.includes(name))
      throw new ValidationError(
        '--category',
        entry,
        `unknown category; use ${FEEDBACK_CATEGORIES.join(', ')}`,
      );
    if (scores[name] !== undefined) throw new ValidationError('--category', entry, `${name} is given twice`);
    scores[name] = wholeNumber(m[2], `--category ${name}`, 1, 5);
  }
  const comment = input.comment?.trim() || null;
  if (comment && comment.length > 4000)
    throw new ValidationError('--comment', comment, 'at most 4000 characters');
  const suggestion = input.suggestion?.trim() || null;
  if (input.suggestion !== undefined && !suggestion)
    throw new ValidationError('--suggestion', input.suggestion, 'is empty');
  if (suggestion && suggestion.length > 2000)
    throw new ValidationError('--suggestion', suggestion, 'at most 2000 characters');
  return { rating, nps, scores, comment, suggestion };
}

/** Whether feedback opens an alert: the overall rating or any category 2 or lower. */
export function isLowRating(f: Pick<ValidFeedback, 'rating' | 'scores'>): boolean {
  return f.rating <= 2 || Object.values(f.scores).some((s) => s !== undefined && s <= 2);
}

/** Why an alert opened, for the alert and its e-mail: `rating 2/5; wait_time 1/5`. */
export function lowRatingReason(f: Pick<ValidFeedback, 'rating' | 'scores'>): string {
  const parts: string[] = [];
  if (f.rating <= 2) parts.push(`rating ${f.rating}/5`);
  for (const c of FEEDBACK_CATEGORIES) {
    const s = f.scores[c];
    if (s !== undefined && s <= 2) parts.push(`${c} ${s}/5`);
  }
  return parts.join('; ');
}
