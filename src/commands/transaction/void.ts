import { formatNaira } from '../../core/money.js';
import { showTransaction } from '../../core/transactions/transaction.queries.js';
import { voidTransaction } from '../../core/transactions/void-transaction.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { confirmFromDatabase } from '../_shared/prompts.js';
import { printJson } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  reason: string;
}

export async function run(ctx: CommandContext, [reference]: string[], flags: Flags): Promise<void> {
  const result = await ctx.withServices(async (svc) => {
    await confirmFromDatabase(ctx, flags.yes, svc, async (read) => {
      const t = await showTransaction(read, reference);
      return {
        action: `void transaction ${t.reference} (${t.kind} of ${formatNaira(BigInt(t.amountKobo))} at ${t.hospital}, ${t.occurredAt.slice(0, 10)})`,
        note: 'A compensating row is recorded and periods with payouts are re-run.',
      };
    });
    return voidTransaction(svc, reference, flags.reason);
  });
  if (ctx.json) return printJson(ctx, result);
  ctx.print(`voided ${result.voided.reference} by ${result.void.reference}`);
  for (const r of result.reruns)
    ctx.warn(
      `period ${r.period} re-run: ${r.updated} payout(s) recalculated, ${r.adjustments.length} adjustment(s) recorded${r.adjustments.map((a) => ` ${a.reference} ${a.amountKobo} kobo`).join(',')}`,
    );
}
