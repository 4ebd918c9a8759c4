import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { underDatabaseRules } from '../db/driver-errors.js';
import { ConflictError, ValidationError } from '../errors.js';
import { reverseFeedbackPoints } from '../loyalty/earning-rules.js';
import { feedbackRepository } from './feedback.repository.js';

export interface DeletedFeedback {
  code: string;
  deletedAt: string;
  deletedBy: string;
  reason: string;
}

/**
 * `crm feedback delete ID --reason …`: a soft delete (the row stays, with when, who and why;
 * reports and lists leave it out); audited. Deleting it again is exit 5. Its alert and suggestion
 * stay as they are: the follow-up already happened or is under way.
 */
export async function deleteFeedback(
  ctx: ServiceContext,
  ref: string,
  reason: string | undefined,
): Promise<DeletedFeedback> {
  const text = reason?.trim();
  if (!text) throw new ValidationError('--reason', reason, 'is required: say why the feedback is removed');
  if (text.length > 500) throw new ValidationError('--reason', text, 'at most 500 characters');
  return underDatabaseRules(
    ctx.em.transactional(async (t) => {
      const em = t as EntityManager;
      const feedback = await feedbackRepository(em).getByRef(ref, { lock: true });
      if (feedback.deletedAt)
        throw new ConflictError(
          'feedback_deleted',
          `feedback ${feedback.code} is already deleted (${feedback.deleteReason})`,
        );
      const now = ctx.clock.now();
      feedback.deletedAt = now.toJSDate();
      feedback.deletedBy = ctx.actor.operator;
      feedback.deleteReason = text;
      await em.flush();
      // Its loyalty points go back with a compensating entry (never below zero).
      await reverseFeedbackPoints(
        em,
        {
          feedbackId: feedback.id,
          patientId: feedback.patient.id,
          appointmentId: feedback.appointment?.id ?? null,
          at: feedback.submittedAt,
        },
        `feedback ${feedback.code} deleted: ${text}`,
        now.toJSDate(),
      );
      await recordAudit(em, ctx.actor, 'feedback', feedback.id, {
        code: feedback.code,
        deleted: true,
        reason: text,
      });
      return {
        code: feedback.code,
        deletedAt: now.toISO({ suppressMilliseconds: true })!,
        deletedBy: ctx.actor.operator,
        reason: text,
      };
    }),
  );
}
