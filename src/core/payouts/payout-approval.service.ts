/**
 * Maker-checker approval of payouts (SPEC §1 "Approval"): an operator who ran the payout's
 * period cannot approve its payouts; payouts above `CRM_DUAL_APPROVAL_KOBO` need two different
 * approvers. Every decision is a `payout_approvals` row, counted only for the payout's current
 * revision (a re-run that changes the amounts needs fresh approvals).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Actor, recordAudit } from '../audit/audit.js';
import type { Config } from '../config.js';
import { execute, queryOne } from '../db/sql.js';
import { ConflictError, ValidationError } from '../errors.js';
import { formatNaira } from '../money.js';
import type { Clock } from '../time.js';
import { loadPayout, requiredApprovals } from './payout.service.js';

export interface DecisionResult {
  id: string;
  reference: string;
  status: string;
  approvals: number;
  requiredApprovals: number;
}

/** Approves payouts, all or none: the first refusal leaves every payout of the command as it was. */
export async function approvePayouts(
  em: EntityManager,
  config: Config,
  clock: Clock,
  refs: string[],
  actor: Actor,
): Promise<DecisionResult[]> {
  if (refs.length === 0) throw new ValidationError('payout', undefined, 'name at least one payout');
  const now = clock.now().toISO()!;
  return em.transactional(async (tem) => {
    const results: DecisionResult[] = [];
    for (const ref of refs) {
      const p = await loadPayout(tem, ref, true);
      if (p.status !== 'calculated')
        throw new ConflictError(
          'payout_not_calculated',
          `payout ${p.reference} is ${p.status}: only a calculated payout can be approved`,
        );
      const ranIt = await queryOne(
        tem,
        'select 1 from payout_run where period = $1 and operator = $2 limit 1',
        [p.period, actor.operator],
      );
      if (ranIt)
        throw new ConflictError(
          'maker_checker',
          `maker-checker rule: ${actor.operator} ran payout period ${p.period} and cannot approve its payouts (${p.reference}); another operator must approve`,
        );
      const mine = await queryOne(
        tem,
        `select 1 from payout_approvals where payout_id = $1 and revision = $2 and operator = $3 and decision = 'approve'`,
        [p.id, p.revision, actor.operator],
      );
      if (mine)
        throw new ConflictError(
          'dual_approval',
          `dual approval rule: ${actor.operator} already approved ${p.reference}; payouts above ${formatNaira(config.dualApprovalKobo)} need a second, different approver`,
        );
      await execute(
        tem,
        `insert into payout_approvals (payout_id, revision, decision, operator, decided_at)
         values ($1, $2, 'approve', $3, $4::timestamptz)`,
        [p.id, p.revision, actor.operator, now],
      );
      const approvals = (await queryOne<{ n: number }>(
        tem,
        `select count(distinct operator)::int as n from payout_approvals
         where payout_id = $1 and revision = $2 and decision = 'approve'`,
        [p.id, p.revision],
      ))!.n;
      const required = requiredApprovals(config, BigInt(p.payout_kobo));
      const status = approvals >= required ? 'approved' : 'calculated';
      if (status === 'approved')
        await execute(
          tem,
          `update payout set status = 'approved', approved_at = $2::timestamptz where id = $1`,
          [p.id, now],
        );
      await recordAudit(
        tem,
        actor,
        'payout',
        p.id,
        { action: 'approve', reference: p.reference, revision: p.revision, approvals, required, status },
        now,
      );
      results.push({ id: p.id, reference: p.reference, status, approvals, requiredApprovals: required });
    }
    return results;
  });
}

/** Rejects a calculated payout with a reason; a rejected payout is never recomputed or paid. */
export async function rejectPayout(
  em: EntityManager,
  config: Config,
  clock: Clock,
  ref: string,
  reason: string,
  actor: Actor,
): Promise<DecisionResult> {
  if (!reason?.trim()) throw new ValidationError('reason', reason, 'is required');
  const now = clock.now().toISO()!;
  return em.transactional(async (tem) => {
    const p = await loadPayout(tem, ref, true);
    if (p.status !== 'calculated')
      throw new ConflictError(
        'payout_not_calculated',
        `payout ${p.reference} is ${p.status}: only a calculated payout can be rejected`,
      );
    await execute(
      tem,
      `insert into payout_approvals (payout_id, revision, decision, operator, reason, decided_at)
       values ($1, $2, 'reject', $3, $4, $5::timestamptz)`,
      [p.id, p.revision, actor.operator, reason.trim(), now],
    );
    await execute(tem, `update payout set status = 'rejected', rejection_reason = $2 where id = $1`, [
      p.id,
      reason.trim(),
    ]);
    await recordAudit(tem, actor, 'payout', p.id, { action: 'reject', reference: p.reference, reason }, now);
    return {
      id: p.id,
      reference: p.reference,
      status: 'rejected',
      approvals: 0,
      requiredApprovals: requiredApprovals(config, BigInt(p.payout_kobo)),
    };
  });
}
