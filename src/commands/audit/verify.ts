import { verifyAudit } from '../../core/audit/verify-audit.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson, printRecord } from '../_shared/render.js';

export async function run(ctx: CommandContext): Promise<void> {
  const chain = await ctx.withServices((svc) => verifyAudit(svc));
  if (ctx.json)
    return printJson(ctx, {
      ok: true,
      rows: Number(chain.rows),
      headSeq: Number(chain.headSeq),
      headHash: chain.headHash,
    });
  await printRecord(ctx, [
    ['chain', 'intact'],
    ['rows', chain.rows],
    ['head', `${chain.headHash} (position ${chain.headSeq})`],
  ]);
}
