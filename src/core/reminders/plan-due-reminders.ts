import type { ServiceContext } from '../context.js';
import { isoTimestamp } from '../db/values.js';
import type { MessagingConfig } from '../messaging/messaging.config.js';
import { loadTemplate } from '../messaging/template.queries.js';
import { decide, type PlannedReminder } from './decide-reminder.js';
import { selectDueReminders } from './reminder-claim.sql.js';
import { emptyResult, type ReminderRunResult } from './reminder-run.js';

/** What a run would do now, writing and sending nothing (`--dry-run`). */
export async function planDueReminders(
  ctx: ServiceContext,
  messaging: MessagingConfig,
  options: { limit?: number; maxAttempts?: number } = {},
): Promise<{ result: ReminderRunResult; planned: PlannedReminder[] }> {
  const now = ctx.clock.now();
  const variants = await loadTemplate(ctx.em, 'reminder');
  const rows = await selectDueReminders(ctx.em, now.toISO()!, options.limit ?? 10_000, { lock: false });
  const result = emptyResult();
  const planned: PlannedReminder[] = [];
  for (const row of rows) {
    const d = decide(row, now, messaging, variants, options.maxAttempts ?? 5);
    if (d.action === 'send') result.sent++;
    else if (d.action === 'defer') result.deferred++;
    else if (d.action === 'fail') result.failed++;
    else result.expired++;
    planned.push({
      reminderId: row.id,
      appointment: row.appointment_code,
      kind: row.kind,
      patient: `${row.first_name} ${row.last_name}`,
      startsAt: isoTimestamp(row.starts_at),
      action: d.action,
      channel: d.message?.channel,
      body: d.message?.body,
      reason: d.reason,
      deferUntil: d.deferUntil?.toISO() ?? undefined,
    });
  }
  return { result, planned };
}
