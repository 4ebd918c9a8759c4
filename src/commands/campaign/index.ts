import type { Command } from 'commander';
import { type ActionFactory, examples } from '../_shared/lazy.js';

export function registerCampaignCommands(program: Command, action: ActionFactory): void {
  const campaign = program
    .command('campaign')
    .description('marketing and service campaigns: create, preview, send, resume, status (docs/campaigns.md)')
    .addHelpText(
      'after',
      examples(
        'crm campaign create --name "December checkup" --segment inactive --channel sms --template-file checkup.txt',
        'crm campaign preview december-checkup',
        'crm campaign send december-checkup --holdout 5% --yes --json',
        'crm campaign status december-checkup',
      ),
    );
  campaign
    .command('create')
    .description('create a draft campaign; prints its slug')
    .option('--name <name>', 'campaign name; the slug is made from it')
    .option('--segment <segment>', 'all-patients, high-value, inactive, all-owners')
    .option('--hospital <code>', "only this hospital's patients")
    .option('--inactive-days <n>', 'inactive segment: no visit in the last N days (default 90)')
    .option('--tier <tiers>', 'high-value segment: loyalty tiers, comma-separated (default gold,platinum)')
    .option('--channel <channel>', 'email, sms or whatsapp')
    .option('--template <text>', 'the English text, with {{first_name}}, {{hospital_name}}, …')
    .option('--template-file <file>', 'texts per language: [en], [pcm], [yo], [ha], [ig] sections')
    .option('--subject <text>', 'e-mail subject (required for e-mail)')
    .option(
      '--content-sid <sid>',
      'WhatsApp: the approved template (Twilio Content SID, HX…), or one per language: en=HX…,yo=HX…',
    )
    .option(
      '--purpose <purpose>',
      'marketing (needs consent) or service (skips consent, never an opt-out)',
      'marketing',
    )
    .action(action('needs-database', () => import('./create.js')));
  campaign
    .command('list')
    .description('campaigns, newest first')
    .option('--status <status>', 'draft, sending, paused, completed, cancelled')
    .action(action('needs-database', () => import('./list.js')));
  campaign
    .command('preview')
    .argument('<campaign>', 'slug or id')
    .description('audience after filtering and why, samples per language, SMS segments, estimated cost')
    .action(action('needs-database', () => import('./preview.js')));
  campaign
    .command('test')
    .argument('<campaign>', 'slug or id')
    .description("send one rendered message to the operator's own number or address (not counted)")
    .option('--to <address>', 'your phone number (SMS/WhatsApp) or e-mail address')
    .option('--language <lang>', 'the variant to send: en, pcm, yo, ha or ig (default en)')
    .action(action('needs-database', () => import('./test.js')));
  campaign
    .command('send')
    .argument('<campaign>', 'slug or id')
    .description(
      'snapshot the audience and send; safe to re-run after a crash and from two processes at once',
    )
    .option('--dry-run', 'show the audience, samples and cost; write and send nothing (needs no credentials)')
    .option('--rate <n/s>', 'messages per second for this run (default CRM_RATE_SMS/WHATSAPP/EMAIL)')
    .option('--batch <n>', 'recipients claimed per transaction (default 500; e-mail 1000)')
    .option(
      '--holdout <share>',
      'keep a random share of the audience unsent, recorded (e.g. 5%); first send only',
    )
    .option('--yes', 'do not ask for confirmation (required without a terminal)')
    .addHelpText(
      'after',
      `
Prints {"successCount","failureCount","skippedCount","deliveryRate"} with --json. Exit 0; 6 when
some recipients failed or the campaign paused itself (over 20% of the last 100 attempts failed);
7 when the channel lacks credentials. SMS and WhatsApp stop at quiet hours (CRM_QUIET_HOURS) and
say when to run again. See docs/campaigns.md.`,
    )
    .action(action('needs-database', () => import('./send.js')));
  campaign
    .command('resume')
    .argument('<campaign>', 'slug or id')
    .description('resume a paused campaign (transient failures are tried again) and send')
    .option('--rate <n/s>', 'messages per second for this run')
    .option('--batch <n>', 'recipients claimed per transaction')
    .option('--yes', 'do not ask for confirmation (required without a terminal)')
    .action(action('needs-database', () => import('./resume.js')));
  campaign
    .command('status')
    .argument('<campaign>', 'slug or id')
    .description('counts by status, delivery rate, failures by error code, what message sync learned')
    .action(action('needs-database', () => import('./status.js')));
  campaign
    .command('cancel')
    .argument('<campaign>', 'slug or id')
    .description('cancel a campaign: nothing more of it is sent (asks for confirmation; --yes)')
    .option('--yes', 'do not ask for confirmation')
    .action(action('needs-database', () => import('./cancel.js')));
}
