import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { recordAudit } from '../audit/audit.js';
import type { ServiceContext } from '../context.js';
import { ValidationError } from '../errors.js';
import { LAGOS, requireCalendarDate, startOfLagosDay, toIsoLagos } from '../time.js';
import { dueNotices, expireLots, lockAccountsWithExpiringLots, previewExpiry } from './loyalty-expiry.sql.js';
import { EXPIRY_TEMPLATE, queueNotices } from './loyalty-notices.js';

export interface ExpirePointsInput {
  /** Expire as of the end of this Lagos day (YYYY-MM-DD); default: now. */
  asOf?: string;
  dryRun?: boolean;
  /** Also notice patients whose points expire within this many days (one per patient and date). */
  notifyDays?: number;
}

export interface ExpireResult {
  asOf: string;
  dryRun: boolean;
  patients: number;
  lots: number;
  points: number;
  notices: number;
}

/**
 * `loyalty expire`: points expire the configured months after they were earned (CRM_LOYALTY_
 * EXPIRY_MONTHS, 12). Every lot earned on or before the cutoff loses what is left of it, in one
 * transaction, one statement for all patients. Cron-safe: a second run (or one running at the
 * same time) finds the lots empty and expires nothing more. With notifyDays, queues one
 * "points expiring soon" message per patient and expiry date in the same transaction.
 */
export async function expirePoints(ctx: ServiceContext, input: ExpirePointsInput): Promise<ExpireResult> {
  const months = ctx.config.loyalty.expiryMonths;
  const now = ctx.clock.now();
  const asOf = input.asOf
    ? startOfLagosDay(requireCalendarDate(input.asOf, '--as-of')).plus({ days: 1 })
    : now.setZone(LAGOS);
  if (
    input.notifyDays !== undefined &&
    (!Number.isSafeInteger(input.notifyDays) || input.notifyDays < 1 || input.notifyDays > 366)
  )
    throw new ValidationError('--notify-days', input.notifyDays, 'a whole number of days from 1 to 366');
  // A lot earned at E expires at E + months: expired as of T when E <= T - months.
  const earnedBefore = asOf.minus({ months }).toJSDate();
  const window = input.notifyDays
    ? {
        earnedAfter: earnedBefore,
        earnedBefore: asOf.plus({ days: input.notifyDays }).minus({ months }).toJSDate(),
        months,
      }
    : undefined;
  const asOfText = input.asOf ? requireCalendarDate(input.asOf) : toIsoLagos(asOf);
  if (input.dryRun) {
    const preview = await previewExpiry(ctx.em, earnedBefore);
    const notices = window ? (await dueNotices(ctx.em, window, false)).length : 0;
    return { asOf: asOfText, dryRun: true, ...preview, notices };
  }
  const at = now.toJSDate();
  return ctx.em.transactional(async (em) => {
    await lockAccountsWithExpiringLots(em, earnedBefore);
    const expired = await expireLots(
      em,
      earnedBefore,
      randomUUID(),
      `expired: earned ${months} months before ${asOfText}`,
      at,
    );
    let notices = 0;
    if (window) {
      const due = await dueNotices(em, window, true);
      notices = await queueNotices(
        em,
        EXPIRY_TEMPLATE,
        due.map((d) => ({
          patientId: d.patient_id,
          values: { loyalty_points: Number(d.points) },
          reference: `loyalty-expiry:${d.patient_id}:${d.expires_on}`,
        })),
        at,
      );
    }
    await recordAudit(em, ctx.actor, 'loyalty_expiry', null, { asOf: asOfText, ...expired, notices });
    return { asOf: asOfText, dryRun: false, ...expired, notices };
  });
}

/** The Lagos date a point earned at `earnedAt` expires on. */
export function expiryDateOf(earnedAt: Date, months: number): string {
  return DateTime.fromJSDate(earnedAt).setZone(LAGOS).plus({ months }).toISODate()!;
}
