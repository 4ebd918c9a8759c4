import { formatNaira } from '../../core/money.js';
import { showPayout } from '../../core/payouts/payout.queries.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson, printRecord, printTable } from '../_shared/render.js';

export async function run(ctx: CommandContext, [ref]: string[]): Promise<void> {
  const p = await ctx.withServices((svc) => showPayout(svc, ref));
  if (ctx.json) return printJson(ctx, p);
  const n = (k: number) => formatNaira(BigInt(k));
  await printRecord(ctx, [
    ['reference', p.reference],
    ['status', p.status],
    ['contract', `${p.contract} (${p.hospital}, ${p.ownerName})`],
    ['period', `${p.period}: ${p.periodStart} to ${p.periodEnd}, ${p.periodDays} days`],
    ['transactions', `${p.transactions.payments} payments, ${p.transactions.refunds} refunds`],
    ['gross revenue', n(p.grossRevenueKobo)],
    [
      'owner share',
      `${n(p.ownerShareKobo)} (${p.shareBasisPoints / 100}% of gross, half-to-even; 0 if gross < 0)`,
    ],
    ['platform share', `${n(p.platformShareKobo)} (gross − owner share)`],
    [
      'guarantee',
      `${n(p.guaranteeKobo)} = ${n(p.fullGuaranteeKobo)} × ${p.activeDays}/${p.periodDays} active days`,
    ],
    ['top-up', `${n(p.topUpKobo)} (payout − owner share)`],
    ['payout', `${n(p.payoutKobo)} = max(owner share, guarantee)`],
    [
      'adjustments',
      p.adjustmentKobo === 0 ? null : `${n(p.adjustmentKobo)} (from earlier periods: crm payout adjustments)`,
    ],
    ['withholding tax', `${n(p.taxKobo)} (${p.taxType}, ${p.taxBasisPoints / 100}%)`],
    ['net', p.adjustmentKobo === 0 ? n(p.netKobo) : `${n(p.netKobo)} = payout + adjustments − tax`],
    ['due date', p.dueDate],
    ['calculated', `${p.calculatedAt} by ${p.calculatedBy} (revision ${p.revision})`],
    ['approvals needed', p.requiredApprovals],
    ['rejected', p.rejectionReason],
    ['exported', p.exportedAt],
    ['paid', p.paidAt],
    ['bank', p.bankStatus ? `${p.bankStatus}${p.bankNote ? `: ${p.bankNote}` : ''}` : null],
    ['id', p.id],
  ]);
  if (p.approvals.length > 0) {
    ctx.print('');
    await printTable(
      ctx,
      [
        { header: 'decision', value: (a) => a.decision },
        { header: 'operator', value: (a) => a.operator },
        { header: 'revision', value: (a) => a.revision },
        { header: 'at', value: (a) => a.decidedAt },
        { header: 'reason', value: (a) => a.reason },
      ],
      p.approvals,
    );
  }
}
