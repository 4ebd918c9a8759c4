import { showOwner } from '../../core/owners/owner.queries.js';
import type { CommandContext } from '../_shared/context.js';
import { printJson, printRecord, printTable } from '../_shared/render.js';

export async function run(ctx: CommandContext, [ref]: string[]): Promise<void> {
  const owner = await ctx.withServices((svc) => showOwner(svc, ref));
  if (ctx.json) return printJson(ctx, owner);
  const s = owner.satisfaction;
  await printRecord(ctx, [
    ['name', owner.name],
    ['kind', owner.kind],
    ['e-mail', owner.email],
    ['phone', owner.phone],
    ['tax type', owner.taxType],
    [
      'opted out',
      (Object.keys(owner.optedOut) as (keyof typeof owner.optedOut)[])
        .filter((c) => owner.optedOut[c])
        .join(', ') || 'none',
    ],
    ['bank', `${owner.bankName ?? ''} (${owner.bankCode}) ${owner.accountNumber}`],
    ['satisfaction', s.averageRating === null ? '-' : `${s.averageRating} / 5 over ${s.responses} ratings`],
    ['would recommend', s.wouldRecommendShare === null ? '-' : `${Math.round(s.wouldRecommendShare * 100)}%`],
    ['id', owner.id],
  ]);
  ctx.print('');
  await printTable(
    ctx,
    [
      { header: 'contract', value: (c) => c.number },
      { header: 'hospital', value: (c) => c.hospital },
      { header: 'status', value: (c) => c.status },
      { header: 'start', value: (c) => c.startDate },
      { header: 'end', value: (c) => c.endDate },
    ],
    owner.contracts,
  );
  // The help promises recent contacts: the last 10, logged (`crm owner log`) or sent through
  // the messaging layer (`crm owner message`), newest first.
  ctx.print('');
  if (owner.recentCommunications.length === 0) {
    if (ctx.io.stdoutIsTTY) ctx.print('recent contacts: none (crm owner log records one)');
    return;
  }
  if (ctx.io.stdoutIsTTY) ctx.print('recent contacts');
  await printTable(
    ctx,
    [
      {
        header: 'when',
        value: (c) => c.occurredAt.slice(0, 16).replace('T', ' '),
        tsv: (c) => c.occurredAt,
      },
      { header: 'channel', value: (c) => c.channel },
      { header: 'direction', value: (c) => c.direction, drop: 2 },
      { header: 'summary', value: (c) => c.subject ?? c.body, shrink: true },
      { header: 'status', value: (c) => c.deliveryStatus, drop: 1 },
      { header: 'by', value: (c) => c.operator, drop: 3 },
    ],
    owner.recentCommunications,
  );
}
