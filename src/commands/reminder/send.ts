import { PartialFailureError, ValidationError } from '../../core/errors.js';
import { loadMessagingConfig, rehearsalDryRunReason } from '../../core/messaging/messaging.config.js';
import { realMessengers } from '../../core/messaging/messaging.runtime.js';
import { type OutboxRunResult, sendQueuedMessages } from '../../core/messaging/send-queued.js';
import { planDueReminders } from '../../core/reminders/plan-due-reminders.js';
import { sendDueReminders } from '../../core/reminders/send-due-reminders.js';
import type { CommandContext, GlobalFlags } from '../_shared/context.js';
import { intFlag } from '../_shared/flags.js';
import { printJson, printRecord, printSummary, printTable } from '../_shared/render.js';
import { outboxLeaseSeconds } from '../message/send.js';

/** The outbox's counts as one stderr line: `outbox: sent 1, failed 0, …`. */
export function outboxLine(r: OutboxRunResult): string {
  return `outbox: sent ${r.sent}, failed ${r.failed}, deferred ${r.deferred}, skipped ${r.skipped}, retrying ${r.retrying}, recovered ${r.recovered}`;
}

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
  // Then, on the same connection, the outbox (alerts, loyalty notices). Its counts go to stderr,
  // so that stdout keeps the exact reminder shape (docs/reminders.md, "The outbox"); an error of
  // the outbox is raised after the reminders' result is printed.
  const { result, outbox, outboxError } = await ctx.withServices(async (svc) => {
    const result = await sendDueReminders(svc, config, realMessengers(config), options);
    try {
      const outbox = await sendQueuedMessages({ ...svc, em: svc.em.fork() }, config, realMessengers(config), {
        leaseSeconds: outboxLeaseSeconds(ctx),
      });
      return { result, outbox, outboxError: undefined };
    } catch (error) {
      return { result, outbox: undefined, outboxError: error };
    }
  });
  if (ctx.json) printJson(ctx, result);
  else
    await printRecord(ctx, [
      ['sent', result.sent],
      ['failed', result.failed],
      ['deferred', result.deferred],
      ['expired', result.expired],
      ['retrying', result.retrying],
    ]);
  if (outboxError || !outbox) throw outboxError;
  ctx.io.stderr.write(`${outboxLine(outbox)}\n`);
  if (result.failed > 0)
    throw new PartialFailureError(
      'reminders_failed',
      `${result.failed} reminder(s) failed; see \`crm message list --status failed\``,
    );
  if (outbox.failed > 0)
    throw new PartialFailureError(
      'messages_failed',
      `${outbox.failed} queued message(s) failed; see \`crm message list --status failed\``,
    );
}
