import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { underDatabaseRules } from '../db/driver-errors.js';
import { ConflictError, ValidationError } from '../errors.js';
import { type SuggestionView, toSuggestionView } from './feedback.view.js';
import { SUGGESTION_STATUSES, type SuggestionStatus } from './feedback-suggestion.entity.js';
import { feedbackSuggestionRepository } from './feedback-suggestion.repository.js';

/** The moves a suggestion may make (trigger feedback_suggestion_guard holds the same). */
export const SUGGESTION_MOVES: Record<SuggestionStatus, SuggestionStatus[]> = {
  new: ['planned', 'declined'],
  planned: ['done', 'declined'],
  done: [],
  declined: [],
};

/** `crm feedback suggestion set-status ID STATUS [--note]`: audited; a move not allowed is exit 5. */
export async function setSuggestionStatus(
  ctx: ServiceContext,
  ref: string,
  status: string,
  note?: string,
): Promise<SuggestionView> {
  const to = status?.trim().toLowerCase() as SuggestionStatus;
  if (!SUGGESTION_STATUSES.includes(to))
    throw new ValidationError('status', status, `expected ${SUGGESTION_STATUSES.join(', ')}`);
  const text = note?.trim() || null;
  if (text && text.length > 2000) throw new ValidationError('--note', text, 'at most 2000 characters');
  return underDatabaseRules(
    ctx.em.transactional(async (t) => {
      const em = t as EntityManager;
      const suggestion = await feedbackSuggestionRepository(em).getByRef(ref, { lock: true });
      const from = suggestion.status as SuggestionStatus;
      if (!SUGGESTION_MOVES[from].includes(to))
        throw new ConflictError(
          'suggestion_transition',
          `suggestion ${suggestion.code} is ${from}: it cannot become ${to}${
            SUGGESTION_MOVES[from].length ? ` (only ${SUGGESTION_MOVES[from].join(' or ')})` : ''
          }`,
        );
      suggestion.status = to;
      if (text) suggestion.note = text;
      suggestion.statusChangedAt = ctx.clock.now().toJSDate();
      suggestion.statusChangedBy = ctx.actor.operator;
      await em.flush();
      await em.populate(suggestion, ['feedback', 'hospital']);
      await recordAudit(em, ctx.actor, 'feedback_suggestion', suggestion.id, {
        code: suggestion.code,
        from,
        to,
        note: text,
      });
      return toSuggestionView(suggestion, suggestion.feedback.code, suggestion.hospital.code);
    }),
  );
}
