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
    .option('--content-sid <sid>', 'WhatsApp: the approved template (Twilio Content SID, HX…)')
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
    .command('cancel')
    .argument('<campaign>', 'slug or id')
    .description('cancel a campaign: nothing more of it is sent (asks for confirmation; --yes)')
    .option('--yes', 'do not ask for confirmation')
    .action(action('needs-database', () => import('./cancel.js')));
}
