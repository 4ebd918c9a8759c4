import type { AlertView, FeedbackView, SuggestionView } from '../../core/feedback/feedback.view.js';
import type { CommandContext } from '../_shared/context.js';
import { printRecord, printTable } from '../_shared/render.js';

const scores = (f: FeedbackView) =>
  Object.entries(f.categories)
    .map(([c, s]) => `${c}=${s}`)
    .join(' ');

export async function printFeedback(ctx: CommandContext, f: FeedbackView): Promise<void> {
  await printRecord(ctx, [
    ['feedback', f.code],
    ['patient', `${f.patient.name} (${f.patient.id})`],
    ['hospital', f.hospital],
    ['appointment', f.appointment],
    ['doctor', f.doctor],
    ['rating', `${f.rating}/5`],
    ['categories', scores(f)],
    ['nps', f.nps],
    ['comment', f.comment],
    ['submitted', f.submittedAt],
    ...(f.deletedAt ? ([['deleted', `${f.deletedAt}: ${f.deleteReason}`]] as [string, string][]) : []),
    [
      'alert',
      f.alert
        ? `${f.alert.code} ${f.alert.status}${f.alert.overdue ? ' OVERDUE' : ''}, due ${f.alert.dueAt}${
            f.alert.emailQueued ? '' : ' (no manager e-mail: nobody was e-mailed)'
          }`
        : null,
    ],
    ['suggestion', f.suggestion ? `${f.suggestion.code} ${f.suggestion.status}: ${f.suggestion.text}` : null],
  ]);
}

export async function printFeedbackTable(ctx: CommandContext, rows: FeedbackView[]): Promise<void> {
  await printTable(
    ctx,
    [
      { header: 'feedback', value: (f) => f.code },
      { header: 'submitted', value: (f) => f.submittedAt },
      { header: 'hospital', value: (f) => f.hospital },
      { header: 'patient', value: (f) => f.patient.name },
      { header: 'rating', value: (f) => f.rating, align: 'right' },
      { header: 'nps', value: (f) => f.nps, align: 'right' },
      { header: 'categories', value: scores },
      { header: 'alert', value: (f) => f.alert?.code },
      { header: 'comment', value: (f) => f.comment?.slice(0, 60) },
    ],
    rows,
  );
}

export async function printAlert(ctx: CommandContext, a: AlertView): Promise<void> {
  await printRecord(ctx, [
    ['alert', a.code],
    ['status', `${a.status}${a.overdue ? ' (OVERDUE)' : ''}`],
    ['hospital', a.hospital],
    ['feedback', a.feedback],
    ['reason', a.reason],
    ['due', a.dueAt],
    ['acknowledged', a.acknowledgedAt ? `${a.acknowledgedAt} by ${a.acknowledgedBy}` : null],
    ['resolved', a.resolvedAt ? `${a.resolvedAt} by ${a.resolvedBy}` : null],
    ['note', a.resolutionNote],
  ]);
}

export async function printAlertTable(ctx: CommandContext, rows: AlertView[]): Promise<void> {
  await printTable(
    ctx,
    [
      { header: '', value: (a) => (a.overdue ? 'OVERDUE' : '') },
      { header: 'alert', value: (a) => a.code },
      { header: 'status', value: (a) => a.status },
      { header: 'due', value: (a) => a.dueAt },
      { header: 'hospital', value: (a) => a.hospital },
      { header: 'feedback', value: (a) => a.feedback },
      { header: 'reason', value: (a) => a.reason },
      { header: 'e-mail', value: (a) => (a.emailQueued ? 'queued' : 'none (no manager e-mail)') },
    ],
    rows,
  );
}

export async function printSuggestionTable(ctx: CommandContext, rows: SuggestionView[]): Promise<void> {
  await printTable(
    ctx,
    [
      { header: 'suggestion', value: (s) => s.code },
      { header: 'status', value: (s) => s.status },
      { header: 'hospital', value: (s) => s.hospital },
      { header: 'created', value: (s) => s.createdAt },
      { header: 'text', value: (s) => s.text.slice(0, 80) },
      { header: 'note', value: (s) => s.note },
    ],
    rows,
  );
}
