import { showContract } from '../../core/contracts/contract.queries.js';
import { formatNaira } from '../../core/money.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson, printRecord, printTable } from '../_shared/render.js';
import { printContract, printMilestones } from './render.js';

export async function run(ctx: CommandContext, [ref]: string[]): Promise<void> {
  const c = await ctx.withServices((svc) => showContract(svc, ref));
  if (ctx.json) return printJson(ctx, c);
  await printContract(ctx, c);
  const p = c.performance;
  const n = (k: number) => formatNaira(BigInt(k));
  ctx.print('\nPerformance');
  await printTable(
    ctx,
    [
      { header: 'period', value: (r) => r.period },
      { header: 'revenue', value: (r) => n(r.grossRevenueKobo), align: 'right' },
      { header: 'owner share', value: (r) => n(r.ownerShareKobo), align: 'right' },
      { header: 'guarantee', value: (r) => n(r.guaranteeKobo), align: 'right' },
      { header: 'top-up', value: (r) => n(r.topUpKobo), align: 'right' },
      { header: 'net', value: (r) => n(r.netKobo), align: 'right' },
      { header: 'status', value: (r) => r.status },
    ],
    p.periods,
  );
  await printRecord(ctx, [
    ['revenue', n(p.revenueKobo)],
    ['owner share', n(p.ownerShareKobo)],
    ['guarantee top-ups', n(p.topUpsKobo)],
    ['periods below guarantee', p.periodsBelowGuarantee],
    ['paid', n(p.paidKobo)],
    ['outstanding', n(p.outstandingKobo)],
  ]);
  ctx.print('\nMilestones');
  await printMilestones(ctx, c.milestones);
}
