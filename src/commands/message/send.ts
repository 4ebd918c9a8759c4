import { PartialFailureError, ValidationError } from '../../core/errors.js';
import { loadMessagingConfig, rehearsalDryRunReason } from '../../core/messaging/messaging.config.js';
import { realMessengers } from '../../core/messaging/messaging.runtime.js';
import { planQueuedMessages, sendQueuedMessages } from '../../core/messaging/send-queued.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { intFlag } from '../_shared/flags.js';
import { printJson, printRecord, printTable } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  limit?: string;
  dryRun?: boolean;
  live?: boolean;
}

/** CRM_OUTBOX_LEASE_SECONDS: how long a `sending` row is left to its sender (default 300). */
export function outboxLeaseSeconds(ctx: CommandContext): number | undefined {
  const raw = ctx.config.env.CRM_OUTBOX_LEASE_SECONDS;
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw))
    throw new ValidationError('CRM_OUTBOX_LEASE_SECONDS', raw, 'expected a whole number ≥ 0');
  return Number(raw);
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  const limit = intFlag(flags.limit, '--limit', { min: 1 });
  const config = loadMessagingConfig(ctx.config.env);
  // A rehearsal (CRM_NOW) sends nothing to real providers unless asked (docs/reminders.md).
  const rehearsal = rehearsalDryRunReason(config, Boolean(ctx.config.fixedNow), Boolean(flags.live));
  if (rehearsal && !flags.dryRun) ctx.warn(rehearsal);
  if (flags.dryRun || rehearsal) {
    const planned = await ctx.withServices((svc) => planQueuedMessages(svc, config, { limit }));
    if (ctx.json) return printJson(ctx, { dryRun: true, messages: planned });
    await printTable(
      ctx,
      [
        { header: 'message', value: (p) => p.id.slice(0, 8) },
        { header: 'purpose', value: (p) => p.purpose },
        { header: 'channel', value: (p) => p.channel },
        { header: 'to', value: (p) => p.to },
        { header: 'action', value: (p) => p.action },
        { header: 'subject', value: (p) => p.subject ?? p.body.slice(0, 60) },
      ],
      planned,
    );
    ctx.print('dry run: nothing was sent or written');
    return;
  }
  const result = await ctx.withServices((svc) =>
    sendQueuedMessages(svc, config, realMessengers(config), { limit, leaseSeconds: outboxLeaseSeconds(ctx) }),
  );
  if (ctx.json) printJson(ctx, result);
  else
    await printRecord(ctx, [
      ['sent', result.sent],
      ['failed', result.failed],
      ['deferred', result.deferred],
      ['skipped', result.skipped],
      ['retrying', result.retrying],
      ['recovered', result.recovered],
    ]);
  if (result.failed > 0)
    throw new PartialFailureError(
      'messages_failed',
      `${result.failed} queued message(s) failed; see \`crm message list --status failed\``,
    );
}
