import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { underDatabaseRules } from '../db/driver-errors.js';
import { ConflictError } from '../errors.js';
import { type AlertView, toAlertView } from './feedback.view.js';
import { feedbackAlertRepository } from './feedback-alert.repository.js';

/**
 * `crm feedback acknowledge ALERT`: someone has taken the alert up (open → acknowledged), with
 * who and when; audited. An alert already acknowledged or resolved is exit 5.
 */
export async function acknowledgeAlert(ctx: ServiceContext, ref: string): Promise<AlertView> {
  return underDatabaseRules(
    ctx.em.transactional(async (t) => {
      const em = t as EntityManager;
      const alert = await feedbackAlertRepository(em).getByRef(ref, { lock: true });
      if (alert.status !== 'open')
        throw new ConflictError(
          'alert_not_open',
          `alert ${alert.code} is already ${alert.status}${alert.acknowledgedBy ? ` (acknowledged by ${alert.acknowledgedBy})` : ''}`,
        );
      const now = ctx.clock.now().toJSDate();
      alert.status = 'acknowledged';
      alert.acknowledgedAt = now;
      alert.acknowledgedBy = ctx.actor.operator;
      await em.flush();
      await em.populate(alert, ['feedback', 'hospital']);
      await recordAudit(em, ctx.actor, 'feedback_alert', alert.id, {
        code: alert.code,
        from: 'open',
        to: 'acknowledged',
      });
      return toAlertView(alert, alert.feedback.code, alert.hospital.code, now);
    }),
  );
}
