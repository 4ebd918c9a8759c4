import { formatNaira } from '../../core/money.js';
import type { PayoutTotals, PayoutView } from '../../core/payouts/payout.view.js';
import type { CommandContext } from '../_shared/context.js';
import { printTable } from '../_shared/render.js';

const n = (k: number) => formatNaira(BigInt(k));

export async function printPayouts(
  ctx: CommandContext,
  payouts: (PayoutView & { action?: string })[],
  totals: PayoutTotals,
): Promise<void> {
  const withAction = payouts.some((p) => p.action);
  await printTable(
    ctx,
    [
      { header: 'reference', value: (p) => p.reference },
      { header: 'hospital', value: (p) => p.hospital },
      { header: 'owner', value: (p) => p.ownerName },
      { header: 'gross revenue', value: (p) => n(p.grossRevenueKobo), align: 'right' },
      { header: 'share', value: (p) => `${p.shareBasisPoints / 100}%`, align: 'right' },
      { header: 'owner share', value: (p) => n(p.ownerShareKobo), align: 'right' },
      { header: 'platform', value: (p) => n(p.platformShareKobo), align: 'right' },
      {
        header: 'guarantee',
        value: (p) => `${n(p.guaranteeKobo)} (${p.activeDays}/${p.periodDays}d)`,
        align: 'right',
      },
      { header: 'top-up', value: (p) => n(p.topUpKobo), align: 'right' },
      { header: 'payout', value: (p) => n(p.payoutKobo), align: 'right' },
      { header: 'tax', value: (p) => `${n(p.taxKobo)} (${p.taxBasisPoints / 100}%)`, align: 'right' },
      { header: 'net', value: (p) => n(p.netKobo), align: 'right' },
      { header: 'due', value: (p) => p.dueDate },
      { header: 'status', value: (p) => p.status },
      ...(withAction ? [{ header: 'run', value: (p: PayoutView & { action?: string }) => p.action }] : []),
    ],
    payouts,
  );
  ctx.print(
    `${totals.count} payout(s): gross ${n(totals.grossRevenueKobo)}, payout ${n(totals.payoutKobo)}, top-ups ${n(totals.topUpKobo)}, tax ${n(totals.taxKobo)}, net ${n(totals.netKobo)}`,
  );
}
