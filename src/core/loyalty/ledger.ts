/**
 * Booking points: the two moves every loyalty operation is made of. Both run inside the caller's
 * transaction, lock the patient's account first (so one patient's changes run one at a time and
 * a lock order of account → lots → reward holds everywhere), and leave the account's figures to
 * the ledger's trigger.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError } from '../errors.js';
import { planFifo } from './fifo.js';
import {
  type AccountFigures,
  findEntry,
  insertDebit,
  insertEarning,
  lockAccount,
  openLots,
  readAccount,
  takeFromLots,
} from './ledger.sql.js';
import { type LedgerKind, LoyaltyTierChange } from './loyalty.entity.js';
import { queueNotices, TIER_TEMPLATE } from './loyalty-notices.js';
import { tierLabel } from './tiers.js';

export interface Booked extends AccountFigures {
  /** The ledger entry's id; null when its source key was booked before (nothing changed). */
  entryId: string | null;
  /** Points the entry moved (negative for a debit; 0 when nothing was booked). */
  points: number;
  tierChanged: boolean;
  /** A reversal's points it could not take back (already spent or expired). */
  shortfall: number;
}

/**
 * Books an earning of `points` under `sourceKey` (once: a booked key changes nothing). A tier
 * reached by it is recorded in loyalty_tier_changes and a notice to the patient is queued.
 */
export async function bookEarning(
  em: EntityManager,
  e: { patientId: string; points: number; reason: string; sourceKey: string; at: Date },
): Promise<Booked> {
  const before = await lockAccount(em, e.patientId);
  const entryId = await insertEarning(em, e);
  if (!entryId) return { ...before, entryId: null, points: 0, tierChanged: false, shortfall: 0 };
  const after = await readAccount(em, e.patientId);
  const tierChanged = after.tier !== before.tier;
  if (tierChanged) {
    em.create(LoyaltyTierChange, {
      patientId: e.patientId,
      fromTier: before.tier,
      toTier: after.tier,
      lifetimePoints: after.lifetimePoints,
      transactionId: entryId,
      changedAt: e.at,
    } as never);
    await queueNotices(
      em,
      TIER_TEMPLATE,
      [
        {
          patientId: e.patientId,
          values: { tier: tierLabel(after.tier), loyalty_points: after.balance },
          reference: `loyalty-tier:${entryId}`,
        },
      ],
      e.at,
    );
  }
  return { ...after, entryId, points: e.points, tierChanged, shortfall: 0 };
}

export interface DebitInput {
  patientId: string;
  /** Points to take (> 0). */
  points: number;
  kind: Exclude<LedgerKind, 'earn'>;
  reason: string;
  sourceKey: string;
  at: Date;
  /**
   * `refuse` (redeem, adjust): more than the balance is exit 5 and nothing is booked.
   * `partial` (reversal): takes what is left and records the rest as the entry's shortfall.
   */
  whenShort: 'refuse' | 'partial';
  /** The lot to take from before the oldest (a reversal takes back its own earning first). */
  firstLot?: string;
}

/** Books a debit: takes the points from the oldest lots, and the entry that says so. */
export async function bookDebit(em: EntityManager, d: DebitInput): Promise<Booked> {
  const before = await lockAccount(em, d.patientId);
  // Under the account lock a key booked by another process is visible: book nothing twice.
  if (await findEntry(em, d.sourceKey))
    return { ...before, entryId: null, points: 0, tierChanged: false, shortfall: 0 };
  if (d.points > before.balance && d.whenShort === 'refuse')
    throw new ConflictError(
      'insufficient_points',
      `insufficient points: the patient has ${before.balance}, ${d.points} needed`,
    );
  const amount = Math.min(d.points, before.balance);
  const plan = planFifo(await openLots(em, d.patientId), amount, d.firstLot);
  // The lots always hold the balance (both move together); a gap is a broken invariant.
  if (plan.missing > 0)
    throw new Error(`loyalty lots of ${d.patientId} hold less than the balance ${before.balance}`);
  await takeFromLots(em, plan.takes);
  const entryId = await insertDebit(em, {
    patientId: d.patientId,
    points: -amount,
    kind: d.kind,
    reason: d.reason,
    sourceKey: d.sourceKey,
    shortfall: d.points - amount,
    at: d.at,
  });
  const after = await readAccount(em, d.patientId);
  return { ...after, entryId, points: -amount, tierChanged: false, shortfall: d.points - amount };
}
