import type { Command } from 'commander';
import { type ActionFactory, examples } from '../_shared/lazy.js';

export function registerReminderCommands(program: Command, action: ActionFactory): void {
  const reminder = program
    .command('reminder')
    .description('appointment reminders: send the due ones (run from cron)')
    .addHelpText(
      'after',
      `${examples('crm reminder send --json', 'crm reminder send --dry-run')}
Crontab line (crontab -e), every 5 minutes:
  */5 * * * * cd /srv/crm && crm reminder send --json >> /var/log/crm-reminders.log 2>&1
`,
    );
  reminder
    .command('send')
    .description('send due reminders once each (safe to run from several machines at once)')
    .option('--limit <n>', 'at most N reminders in this run')
    .option('--dry-run', 'show what would be sent; write and send nothing (needs no credentials)')
    .option('--live', 'send even while CRM_NOW is set (a rehearsal is otherwise a dry run)')
    .addHelpText(
      'after',
      `
Prints {"sent","failed","deferred","expired","retrying"} with --json. Exit 0, or 6 when some
reminders failed for good, or 7 when a channel lacks credentials (nothing is claimed then).
Environment: TWILIO_*, SENDGRID_*, CRM_QUIET_HOURS (default 21:00-08:00), CRM_REMINDER_LEASE_SECONDS
(default 300), CRM_REMINDER_BATCH (200), CRM_REMINDER_CONCURRENCY (16). See docs/reminders.md.`,
    )
    .action(action('needs-database', () => import('./send.js')));
}
