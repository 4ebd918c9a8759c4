import type { ContractView, MilestoneView } from '../../core/contracts/contract.view.js';
import { formatNaira } from '../../core/money.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson, printRecord, printTable } from '../_shared/render.js';

export async function printContract(ctx: CommandContext, c: ContractView): Promise<void> {
  if (ctx.json) return printJson(ctx, c);
  await printRecord(ctx, [
    ['number', c.number],
    ['status', c.status],
    ['owner', `${c.ownerName} (${c.owner})`],
    ['hospital', c.hospital],
    ['share', `${c.sharePercent}%`],
    [
      'guarantee',
      `${formatNaira(BigInt(c.guaranteeKobo))} per ${c.frequency === 'monthly' ? 'month' : 'quarter'}`,
    ],
    ['frequency', c.frequency],
    ['payment terms', `Net ${c.paymentTermsDays}`],
    ['start', c.startDate],
    ['end', c.endDate ?? 'open-ended'],
    ['terminated', c.terminationReason ? `${c.terminatedOn}: ${c.terminationReason}` : null],
    ['notes', c.notes],
    ['id', c.id],
  ]);
}

export async function printMilestones(ctx: CommandContext, rows: MilestoneView[]): Promise<void> {
  await printTable(
    ctx,
    [
      { header: 'due', value: (m) => m.dueDate },
      { header: 'status', value: (m) => m.status },
      { header: 'contract', value: (m) => m.contract },
      { header: 'hospital', value: (m) => m.hospital },
      { header: 'review', value: (m) => m.kind.replace('_review', '') },
      { header: 'id', value: (m) => m.id, drop: 9 },
    ],
    rows,
  );
}
