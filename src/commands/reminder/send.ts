import { PartialFailureError, ValidationError } from '../../core/errors.js';
import { loadMessagingConfig, rehearsalDryRunReason } from '../../core/messaging/messaging.config.js';
import { realMessengers } from '../../core/messaging/messaging.runtime.js';
import { planDueReminders } from '../../core/reminders/plan-due-reminders.js';
import { sendDueReminders } from '../../core/reminders/send-due-reminders.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { intFlag } from '../_shared/flags.js';
import { printJson, printRecord, printSummary, printTable } from '../_shared/render.js';

interface Flags extends GlobalFlags {
  limit?: string;
  dryRun?: boolean;
  /** Send for real even while CRM_NOW is set. */
  live?: boolean;
}

function envInt(ctx: CommandContext, name: string): number | undefined {
  const raw = ctx.config.env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw new ValidationError(name, raw, 'expected a whole number ≥ 1');
  return Number(raw);
}

export async function run(ctx: CommandContext, _args: string[], flags: Flags): Promise<void> {
  const limit = intFlag(flags.limit, '--limit', { min: 1 });
  const config = loadMessagingConfig(ctx.config.env);
  const rehearsal = rehearsalDryRunReason(config, Boolean(ctx.config.fixedNow), Boolean(flags.live));
  if (rehearsal && !flags.dryRun) ctx.warn(rehearsal);
  if (flags.dryRun || rehearsal) {
    const { result, planned } = await ctx.withServices((svc) => planDueReminders(svc, config, { limit }));
    if (ctx.json) return printJson(ctx, result);
    await printTable(
      ctx,
      [
        { header: 'appointment', value: (p) => p.appointment },
        { header: 'kind', value: (p) => p.kind },
        { header: 'patient', value: (p) => p.patient, shrink: true },
        { header: 'starts', value: (p) => p.startsAt.slice(0, 16).replace('T', ' '), tsv: (p) => p.startsAt },
        { header: 'action', value: (p) => p.action },
        { header: 'channel', value: (p) => p.channel },
        { header: 'detail', value: (p) => p.reason ?? p.deferUntil ?? p.body, shrink: true },
        { header: 'reminder id', value: (p) => p.reminderId, drop: 1 },
      ],
      planned,
    );
    printSummary(ctx, 'dry run: nothing was sent or written');
    return;
  }
  const options = {
    limit,
    leaseSeconds: envInt(ctx, 'CRM_REMINDER_LEASE_SECONDS'),
    batchSize: envInt(ctx, 'CRM_REMINDER_BATCH'),
    concurrency: envInt(ctx, 'CRM_REMINDER_CONCURRENCY'),
  };
  const result = await ctx.withServices((svc) =>
    sendDueReminders(svc, config, realMessengers(config), options),
  );
  if (ctx.json) printJson(ctx, result);
  else
    await printRecord(ctx, [
      ['sent', result.sent],
      ['failed', result.failed],
      ['deferred', result.deferred],
      ['expired', result.expired],
      ['retrying', result.retrying],
    ]);
  if (result.failed > 0)
    throw new PartialFailureError(
      'reminders_failed',
      `${result.failed} reminder(s) failed; see \`crm message list --status failed\``,
    );
}
