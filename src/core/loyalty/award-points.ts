import { randomUUID } from 'node:crypto';
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { ValidationError } from '../errors.js';
import { patientRepository } from '../patients/patient.repository.js';
import { bookEarning } from './ledger.js';
import { type PointsView, toPointsView } from './loyalty.view.js';

export interface AwardPointsInput {
  patient: string;
  points: number;
  reason: string;
  /**
   * An idempotency key: the award is booked under `manual:<key>` once, however often the
   * command is retried (a second run prints points 0). Without one, every run awards.
   */
  key?: string;
}

export const MAX_MANUAL_POINTS = 1_000_000;

export function checkManualPoints(points: number, sign: 1 | -1, hint: string): void {
  if (!Number.isSafeInteger(points) || points * sign <= 0 || Math.abs(points) > MAX_MANUAL_POINTS)
    throw new ValidationError('--points', points, hint);
}

export function checkReason(reason: string | undefined): string {
  const text = reason?.trim() ?? '';
  if (!text) throw new ValidationError('--reason', reason, 'a manual change of points needs a reason');
  if (text.length > 500) throw new ValidationError('--reason', text, 'at most 500 characters');
  return text;
}

export function checkKey(key: string | undefined): string {
  if (key === undefined) return randomUUID();
  const text = key.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/.test(text))
    throw new ValidationError('--key', key, 'use up to 100 letters, digits, _ . : -');
  return text;
}

/** `loyalty award`: a manual earning by an operator, with a reason (source key `manual:<uuid>`). */
export async function awardPoints(ctx: ServiceContext, input: AwardPointsInput): Promise<PointsView> {
  checkManualPoints(
    input.points,
    1,
    `a whole number from 1 to ${MAX_MANUAL_POINTS}; use loyalty adjust to take points away`,
  );
  const reason = checkReason(input.reason);
  const sourceKey = `manual:${checkKey(input.key)}`;
  const at = ctx.clock.now().toJSDate();
  return ctx.em.transactional(async (em) => {
    const patient = await patientRepository(em).getByRef(input.patient);
    const booked = await bookEarning(em, {
      patientId: patient.id,
      points: input.points,
      reason,
      sourceKey,
      at,
    });
    if (booked.entryId)
      await recordAudit(em, ctx.actor, 'loyalty_transactions', booked.entryId, {
        patient: patient.id,
        points: input.points,
        reason,
        sourceKey,
        ...(booked.tierChanged ? { tier: booked.tier } : {}),
      });
    return toPointsView(booked);
  });
}
