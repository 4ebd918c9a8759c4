import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { underDatabaseRules } from '../db/driver-errors.js';
import { ConflictError, ValidationError } from '../errors.js';
import { type AlertView, toAlertView } from './feedback.view.js';
import { feedbackAlertRepository } from './feedback-alert.repository.js';

/**
 * `crm feedback resolve ALERT --note …`: the follow-up is done (acknowledged → resolved), with
 * the note, who and when; audited. An open alert is acknowledged first, in the same transaction
 * and with its own audit row, so the record shows both steps. A resolved alert is exit 5.
 */
export async function resolveAlert(
  ctx: ServiceContext,
  ref: string,
  note: string | undefined,
): Promise<AlertView> {
  const text = note?.trim();
  if (!text) throw new ValidationError('--note', note, 'is required: say what was done');
  if (text.length > 2000) throw new ValidationError('--note', text, 'at most 2000 characters');
  return underDatabaseRules(
    ctx.em.transactional(async (t) => {
      const em = t as EntityManager;
      const alert = await feedbackAlertRepository(em).getByRef(ref, { lock: true });
      if (alert.status === 'resolved')
        throw new ConflictError(
          'alert_resolved',
          `alert ${alert.code} is already resolved (by ${alert.resolvedBy})`,
        );
      const now = ctx.clock.now().toJSDate();
      const acknowledgedHere = alert.status === 'open';
      if (acknowledgedHere) {
        alert.status = 'acknowledged';
        alert.acknowledgedAt = now;
        alert.acknowledgedBy = ctx.actor.operator;
        await em.flush();
      }
      alert.status = 'resolved';
      alert.resolvedAt = now;
      alert.resolvedBy = ctx.actor.operator;
      alert.resolutionNote = text;
      await em.flush();
      await em.populate(alert, ['feedback', 'hospital']);
      if (acknowledgedHere)
        await recordAudit(em, ctx.actor, 'feedback_alert', alert.id, {
          code: alert.code,
          from: 'open',
          to: 'acknowledged',
        });
      await recordAudit(em, ctx.actor, 'feedback_alert', alert.id, {
        code: alert.code,
        from: 'acknowledged',
        to: 'resolved',
        note: text,
      });
      return toAlertView(alert, alert.feedback.code, alert.hospital.code, now);
    }),
  );
}
