import { listContracts } from '../../core/contracts/contract.service.js';
import { formatNaira } from '../../core/money.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson, printTable } from '../_shared/render.js';

export async function run(
  ctx: CommandContext,
  _args: string[],
  flags: Record<string, string>,
): Promise<void> {
  const rows = await ctx.withDatabase((db) =>
    listContracts(db.em(), { status: flags.status, hospital: flags.hospital, owner: flags.owner }),
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
