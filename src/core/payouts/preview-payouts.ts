/**
 * What a payout decision would touch, for its confirmation ("approve 3 payouts of 2026-10, net
 * ₦1,450,000.00, to …"): read only, before the decision, which reads and locks them again.
 */
import type { ServiceContext } from '../context.js';
import { parsePeriod } from '../time.js';
import { payoutRepository } from './payout.repository.js';
import { type PayoutPreviewRow, payoutsToPreview } from './payout-preview.sql.js';

export interface PayoutsPreview {
  payouts: PayoutPreviewRow[];
  netKobo: bigint;
  /** The distinct periods, in order. */
  periods: string[];
}

function summarise(payouts: PayoutPreviewRow[]): PayoutsPreview {
  return {
    payouts,
    netKobo: payouts.reduce((s, p) => s + p.netKobo, 0n),
    periods: [...new Set(payouts.map((p) => p.period))],
  };
}

/** The payouts the references name (an unknown reference is the decision's own not-found error). */
export async function previewPayoutsByRef(ctx: ServiceContext, refs: string[]): Promise<PayoutsPreview> {
  const ids: string[] = [];
  for (const ref of refs) ids.push((await payoutRepository(ctx.em).getByRef(ref)).id);
  return summarise(await payoutsToPreview(ctx.em, { ids: [...new Set(ids)] }));
}

/**
 * What `payout export` would write for a period: its approved payouts (and exported ones with
 * includeExported). ₦0.00 payouts are counted apart: they are settled, not transferred.
 */
export async function previewPayoutExport(
  ctx: ServiceContext,
  input: { period: string; includeExported?: boolean },
): Promise<PayoutsPreview & { zeroAmount: number }> {
  const period = parsePeriod(input.period).label;
  const statuses = input.includeExported ? ['approved', 'exported'] : ['approved'];
  const rows = await payoutsToPreview(ctx.em, { period, statuses });
  const lines = rows.filter((r) => r.netKobo !== 0n);
  return { ...summarise(lines), periods: [period], zeroAmount: rows.length - lines.length };
}
