import { formatNaira, formatNairaPlain } from '../../core/money.js';
import type { PayoutTotals, PayoutView } from '../../core/payouts/payout.view.js';
import type { CommandContext } from '../_shared/context.js';
import { type Column, printSummary, printTable } from '../_shared/render.js';

const n = (k: number) => formatNaira(BigInt(k));
const plain = (k: number) => formatNairaPlain(BigInt(k));

type Row = PayoutView & { action?: string };

/** A money column: ₦1,234.50 on a terminal, 1234.50 in a pipe. */
const money = (header: string, kobo: (p: Row) => number, drop?: number): Column<Row> => ({
  header,
  value: (p) => n(kobo(p)),
  tsv: (p) => plain(kobo(p)),
  align: 'right',
  drop,
});

/**
 * Payouts as a table. On a narrow terminal the derivable columns go first (platform share, top-up,
 * gross revenue, the share, tax, guarantee, hospital), leaving reference, owner, payout, net, due
 * date and status; piped, every column, with plain numbers (share and tax rate in percent, the
 * guarantee's active and period days in columns of their own).
 */
export async function printPayouts(ctx: CommandContext, payouts: Row[], totals: PayoutTotals): Promise<void> {
  const withAction = payouts.some((p) => p.action);
  const piped = !ctx.io.stdoutIsTTY;
  const columns: Column<Row>[] = [
    { header: 'reference', value: (p) => p.reference },
    { header: 'hospital', value: (p) => p.hospital, drop: 3 },
    { header: 'owner', value: (p) => p.ownerName, shrink: true },
    money('gross revenue', (p) => p.grossRevenueKobo, 7),
    {
      header: piped ? 'share %' : 'share',
      value: (p) => `${p.shareBasisPoints / 100}%`,
      tsv: (p) => p.shareBasisPoints / 100,
      align: 'right',
      drop: 6,
    },
    money('owner share', (p) => p.ownerShareKobo, 2),
    money('platform', (p) => p.platformShareKobo, 9),
    {
      header: 'guarantee',
      value: (p) => `${n(p.guaranteeKobo)} (${p.activeDays}/${p.periodDays}d)`,
      tsv: (p) => plain(p.guaranteeKobo),
      align: 'right',
      drop: 4,
    },
    ...(piped
      ? [
          { header: 'active days', value: (p: Row) => p.activeDays },
          { header: 'period days', value: (p: Row) => p.periodDays },
        ]
      : []),
    money('top-up', (p) => p.topUpKobo, 8),
    money('payout', (p) => p.payoutKobo, 1),
    {
      header: 'tax',
      value: (p) => `${n(p.taxKobo)} (${p.taxBasisPoints / 100}%)`,
      tsv: (p) => plain(p.taxKobo),
      align: 'right',
      drop: 5,
    },
    ...(piped ? [{ header: 'tax %', value: (p: Row) => p.taxBasisPoints / 100 }] : []),
    money('net', (p) => p.netKobo),
    { header: 'due', value: (p) => p.dueDate },
    { header: 'status', value: (p) => p.status },
    ...(withAction ? [{ header: 'run', value: (p: Row) => p.action }] : []),
  ];
  await printTable(ctx, columns, payouts);
  printSummary(
    ctx,
    `${totals.count} payout(s): gross ${n(totals.grossRevenueKobo)}, payout ${n(totals.payoutKobo)}, top-ups ${n(totals.topUpKobo)}, tax ${n(totals.taxKobo)}, net ${n(totals.netKobo)}`,
  );
}
