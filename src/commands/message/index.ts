import type { Command } from 'commander';
import { type ActionFactory, examples } from '../_shared/lazy.js';

export function registerMessageCommands(program: Command, action: ActionFactory): void {
  const message = program
    .command('message')
    .description('outgoing messages: list, sync delivery statuses, templates')
    .addHelpText(
      'after',
      examples(
        'crm message list --status failed',
        'crm message send --json',
        'crm message sync --json',
        'crm message template set reminder --language pcm --body "{{first_name}}, make you no forget…"',
      ),
    );
  message
    .command('list')
    .description('recent messages, newest first (recipients masked)')
    .option('--status <status>', 'pending, sending, queued, sent, delivered, failed, undelivered, unknown')
    .option('--purpose <purpose>', 'reminder, campaign, alert, owner, loyalty')
    .option('--channel <channel>', 'sms, whatsapp, email')
    .option('--limit <n>', 'at most N rows', '100')
    .action(action('needs-database', () => import('./list.js')));
  message
    .command('send')
    .description('send the queued messages (alerts, loyalty notices) once each; safe to run from cron')
    .option('--limit <n>', 'at most N messages in this run')
    .option('--dry-run', 'show what would be sent; write and send nothing (needs no credentials)')
    .option('--live', 'send even while CRM_NOW is set (a rehearsal is otherwise a dry run)')
    .addHelpText(
      'after',
      `
Prints {"sent","failed","deferred","skipped","retrying","recovered"} with --json. Exit 0, or 6 when
some messages failed for good, or 7 when a channel lacks credentials (nothing is claimed then).
Also run at the end of \`crm reminder send\`. Environment: TWILIO_*, SENDGRID_*, CRM_QUIET_HOURS,
CRM_OUTBOX_LEASE_SECONDS (default 300).`,
    )
    .action(action('needs-database', () => import('./send.js')));
  message
    .command('sync')
    .description('fetch delivery statuses from the provider for recent messages')
    .option('--since <duration>', 'how far back, e.g. 72h, 7d', '72h')
    .action(action('needs-database', () => import('./sync.js')));
  const template = message.command('template').description('message templates and their language variants');
  template
    .command('set')
    .argument('<key>', 'template key, e.g. reminder')
    .description('save a language variant; unknown {{variables}} are refused')
    .option('--language <lang>', 'en, pcm, yo, ha, ig', 'en')
    .requiredOption('--body <text>', 'text with {{first_name}}, {{appointment_time}}, …')
    .option('--subject <text>', 'e-mail subject')
    .option('--content-sid <sid>', 'approved WhatsApp template (Twilio Content SID, HX…)')
    .action(action('creates-database', () => import('./template-set.js')));
  template
    .command('list')
    .description('saved templates')
    .action(action('needs-database', () => import('./template-list.js')));
  // `crm owner message`: the owner group belongs to the owner CRM; the verb is the messaging layer's.
  const owner = program.commands.find((c) => c.name() === 'owner');
  owner
    ?.command('message')
    .argument('<owner>', 'owner id or name')
    .description('send an owner an e-mail, SMS or WhatsApp message; logged with its delivery status')
    .requiredOption('--channel <channel>', 'email, sms or whatsapp')
    .option('--subject <text>', 'subject (required for e-mail)')
    .requiredOption('--body <text>', 'the message')
    .option('--dry-run', 'validate and show what would be sent; send nothing')
    .option('--live', 'send even while CRM_NOW is set (a rehearsal is otherwise a dry run)')
    .action(action('needs-database', () => import('./owner-message.js')));
}
