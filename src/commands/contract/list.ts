import { listContracts } from '../../core/contracts/contract.queries.js';
import { formatNaira, formatNairaPlain } from '../../core/money.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { printJson, printTable } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  status?: string;
  hospital?: string;
  owner?: string;
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  const rows = await ctx.withServices((svc) =>
    listContracts(svc, { status: flags.status, hospital: flags.hospital, owner: flags.owner }),
  );
  if (ctx.json) return printJson(ctx, rows);
  await printTable(
    ctx,
    [
      { header: 'number', value: (c) => c.number },
      { header: 'status', value: (c) => c.status },
      { header: 'hospital', value: (c) => c.hospital, drop: 1 },
      { header: 'owner', value: (c) => c.ownerName, shrink: true },
      { header: 'share', value: (c) => `${c.sharePercent}%`, tsv: (c) => c.sharePercent, align: 'right' },
      {
        header: 'guarantee',
        value: (c) => formatNaira(BigInt(c.guaranteeKobo)),
        tsv: (c) => formatNairaPlain(BigInt(c.guaranteeKobo)),
        align: 'right',
        drop: 3,
      },
      { header: 'frequency', value: (c) => c.frequency, drop: 2 },
      { header: 'start', value: (c) => c.startDate },
      { header: 'end', value: (c) => c.endDate },
    ],
    rows,
  );
}
