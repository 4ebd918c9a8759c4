import { listContracts } from '../../core/contracts/contract.queries.js';
import { formatNaira } from '../../core/money.js';
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
      { header: 'hospital', value: (c) => c.hospital },
      { header: 'owner', value: (c) => c.ownerName },
      { header: 'share', value: (c) => `${c.sharePercent}%`, align: 'right' },
      { header: 'guarantee', value: (c) => formatNaira(BigInt(c.guaranteeKobo)), align: 'right' },
      { header: 'frequency', value: (c) => c.frequency },
      { header: 'start', value: (c) => c.startDate },
      { header: 'end', value: (c) => c.endDate },
    ],
    rows,
  );
}
