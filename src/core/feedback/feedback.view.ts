import { isoTimestamp, isoTimestampOrNull } from '../db/values.js';
import {
  FEEDBACK_CATEGORIES,
  type Feedback,
  type FeedbackCategory,
  SCORE_PROPERTY,
} from './feedback.entity.js';
import type { FeedbackAlert } from './feedback-alert.entity.js';
import type { FeedbackSuggestion } from './feedback-suggestion.entity.js';

/** An alert as commands print it and `--json` shows it. */
export interface AlertView {
  code: string;
  status: 'open' | 'acknowledged' | 'resolved';
  hospital: string;
  feedback: string;
  reason: string;
  openedAt: string;
  dueAt: string;
  /** Not resolved and past its due time. */
  overdue: boolean;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolutionNote: string | null;
  /** Whether an e-mail to the hospital's service manager was queued (false: no manager e-mail). */
  emailQueued: boolean;
}

/** A suggestion as commands print it and `--json` shows it. */
export interface SuggestionView {
  code: string;
  hospital: string;
  feedback: string;
  text: string;
  status: 'new' | 'planned' | 'done' | 'declined';
  note: string | null;
  createdAt: string;
  statusChangedAt: string | null;
  statusChangedBy: string | null;
}

/** A feedback as commands print it and `--json` shows it. */
export interface FeedbackView {
  id: string;
  code: string;
  patient: { id: string; name: string };
  hospital: string;
  appointment: string | null;
  doctor: string | null;
  rating: number;
  nps: number | null;
  /** The categories scored, by name (only those given). */
  categories: Partial<Record<FeedbackCategory, number>>;
  comment: string | null;
  submittedAt: string;
  deletedAt: string | null;
  deleteReason: string | null;
  alert: AlertView | null;
  suggestion: SuggestionView | null;
}

export function categoriesOf(f: Feedback): Partial<Record<FeedbackCategory, number>> {
  const out: Partial<Record<FeedbackCategory, number>> = {};
  for (const c of FEEDBACK_CATEGORIES) {
    const v = f[SCORE_PROPERTY[c]];
    if (v !== null && v !== undefined) out[c] = Number(v);
  }
  return out;
}

/** The view of a feedback whose patient, hospital, appointment and doctor are loaded. */
export function toFeedbackView(
  f: Feedback,
  alert: FeedbackAlert | null,
  suggestion: FeedbackSuggestion | null,
  now: Date,
): FeedbackView {
  return {
    id: f.id,
    code: f.code,
    patient: { id: f.patient.id, name: `${f.patient.firstName} ${f.patient.lastName}` },
    hospital: f.hospital.code,
    appointment: f.appointment?.code ?? null,
    doctor: f.doctor?.code ?? null,
    rating: Number(f.rating),
    nps: f.nps === null || f.nps === undefined ? null : Number(f.nps),
    categories: categoriesOf(f),
    comment: f.comment ?? null,
    submittedAt: isoTimestamp(f.submittedAt),
    deletedAt: isoTimestampOrNull(f.deletedAt),
    deleteReason: f.deleteReason ?? null,
    alert: alert ? toAlertView(alert, f.code, f.hospital.code, now) : null,
    suggestion: suggestion ? toSuggestionView(suggestion, f.code, f.hospital.code) : null,
  };
}

export function toAlertView(
  a: FeedbackAlert,
  feedbackCode: string,
  hospitalCode: string,
  now: Date,
): AlertView {
  return {
    code: a.code,
    status: a.status,
    hospital: hospitalCode,
    feedback: feedbackCode,
    reason: a.reason,
    openedAt: isoTimestamp(a.openedAt),
    dueAt: isoTimestamp(a.dueAt),
    overdue: a.status !== 'resolved' && new Date(a.dueAt).getTime() < now.getTime(),
    acknowledgedAt: isoTimestampOrNull(a.acknowledgedAt),
    acknowledgedBy: a.acknowledgedBy ?? null,
    resolvedAt: isoTimestampOrNull(a.resolvedAt),
    resolvedBy: a.resolvedBy ?? null,
    resolutionNote: a.resolutionNote ?? null,
    emailQueued: Boolean(a.message),
  };
}

export function toSuggestionView(
  s: FeedbackSuggestion,
  feedbackCode: string,
  hospitalCode: string,
): SuggestionView {
  return {
    code: s.code,
    hospital: hospitalCode,
    feedback: feedbackCode,
    text: s.text,
    status: s.status,
    note: s.note ?? null,
    createdAt: isoTimestamp(s.createdAt),
    statusChangedAt: isoTimestampOrNull(s.statusChangedAt),
    statusChangedBy: s.statusChangedBy ?? null,
  };
}
