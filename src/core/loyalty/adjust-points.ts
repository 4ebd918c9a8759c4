import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { patientRepository } from '../patients/patient.repository.js';
import { checkKey, checkManualPoints, checkReason, MAX_MANUAL_POINTS } from './award-points.js';
import { bookDebit } from './ledger.js';
import { type PointsView, toPointsView } from './loyalty.view.js';

export interface AdjustPointsInput {
  patient: string;
  /** Negative: the points to take away. */
  points: number;
  reason: string;
  key?: string;
}

/**
 * `loyalty adjust`: an operator's correction that takes points away (oldest first), with a
 * reason. More than the balance is refused (exit 5): a balance never goes below zero.
 */
export async function adjustPoints(ctx: ServiceContext, input: AdjustPointsInput): Promise<PointsView> {
  checkManualPoints(
    input.points,
    -1,
    `a negative whole number down to -${MAX_MANUAL_POINTS}; use loyalty award to add points`,
  );
  const reason = checkReason(input.reason);
  const sourceKey = `manual:${checkKey(input.key)}`;
  const at = ctx.clock.now().toJSDate();
  return ctx.em.transactional(async (em) => {
    const patient = await patientRepository(em).getByRef(input.patient);
    const booked = await bookDebit(em, {
      patientId: patient.id,
      points: -input.points,
      kind: 'adjust',
      reason,
      sourceKey,
      at,
      whenShort: 'refuse',
    });
    if (booked.entryId)
      await recordAudit(em, ctx.actor, 'loyalty_transactions', booked.entryId, {
        patient: patient.id,
        points: input.points,
        reason,
        sourceKey,
      });
    return toPointsView(booked);
  });
}
