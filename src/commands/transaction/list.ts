import { listTransactions } from '../../core/transactions/transaction.queries.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson, printTable } from '../_shared/render.js';
import { naira, note } from './render.js';

interface Flags extends GlobalFlags {
  hospital?: string;
  period?: string;
  limit?: string;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  const rows = await ctx.withServices((svc) =>
    listTransactions(svc, { hospital: flags.hospital, period: flags.period, limit: flags.limit }),
  );
  if (ctx.json) return printJson(ctx, rows);
  await printTable(
    ctx,
    [
      { header: 'reference', value: (t) => t.reference },
      { header: 'hospital', value: (t) => t.hospital },
      { header: 'occurred', value: (t) => t.occurredAt },
      { header: 'amount', value: naira, align: 'right' },
      { header: 'kind', value: (t) => t.kind },
      { header: 'note', value: note },
    ],
    rows,
  );
}
