import type { Command } from 'commander';
import { type ActionFactory, collect, examples } from '../_shared/lazy.js';

export function registerOwnerCommands(program: Command, action: ActionFactory): void {
  const owner = program
    .command('owner')
    .description('hospital owners: add, list, show, log contacts, record satisfaction')
    .addHelpText(
      'after',
      examples(
        'crm owner add --name "Adebayo Holdings Ltd" --email ops@adebayo.ng --phone 08031234567 --tax-type company --bank-code 058 --account-number 0123456785',
        'crm owner show ops@adebayo.ng --json',
        'crm owner edit ops@adebayo.ng --bank-code 044 --account-number 0690000031 --yes',
        'crm owner edit ops@adebayo.ng --opt-out sms,whatsapp',
        'crm owner log ops@adebayo.ng --channel call --summary "Discussed the Q3 guarantee"',
        'crm owner satisfaction ops@adebayo.ng --category payment --rating 4 --would-recommend yes',
      ),
    );
  owner
    .command('add')
    .description('add an owner (prompts for missing values on a terminal)')
    .option('--name <name>', 'person or company name')
    .option('--kind <kind>', 'person or company', 'company')
    .option('--email <email>')
    .option('--phone <phone>', 'any Nigerian form, e.g. 0803 123 4567')
    .option('--tax-type <type>', 'withholding tax: company (10%), individual (5%), exempt')
    .option('--bank-name <name>', 'bank name (default: from the bank code)')
    .option('--bank-code <code>', 'CBN bank code, e.g. 058')
    .option('--account-number <nuban>', '10-digit NUBAN (the check digit is verified)')
    .action(action('creates-database', () => import('./add.js')));
  owner
    .command('edit')
    .argument('<owner>', 'id, e-mail or exact name')
    .description('correct an owner (bank details: asks first, or --yes; exported payouts keep theirs)')
    .option('--name <name>', 'person or company name (the beneficiary name in bank files)')
    .option('--kind <kind>', 'person or company')
    .option('--email <email>', 'e-mail ("" removes it)')
    .option('--phone <phone>', 'phone ("" removes it)')
    .option('--tax-type <type>', 'company, individual, exempt (payouts calculated from now on)')
    .option('--bank-name <name>', 'bank name (default: from the bank code)')
    .option('--bank-code <code>', 'CBN bank code, e.g. 058')
    .option('--account-number <nuban>', '10-digit NUBAN (the check digit is verified)')
    .option(
      '--opt-out <channels>',
      'no campaigns on these channels: sms, whatsapp, email (comma-separated) or all',
    )
    .option('--opt-in <channels>', 'clear an opt-out: sms, whatsapp, email (comma-separated) or all')
    .option('--yes', 'change bank details without asking')
    .action(action('needs-database', () => import('./edit.js')));
  owner
    .command('list')
    .description('list owners with their active contracts')
    .action(action('needs-database', () => import('./list.js')));
  owner
    .command('show')
    .argument('<owner>', 'id, e-mail or exact name')
    .description('show an owner: bank details, contracts, satisfaction, recent contacts')
    .action(action('needs-database', () => import('./show.js')));
  owner
    .command('log')
    .argument('<owner>', 'id, e-mail or exact name')
    .description('record a contact made outside the tool (call, meeting, message)')
    .requiredOption('--channel <channel>', 'call, meeting, email, sms, whatsapp')
    .requiredOption('--summary <text>', 'what was said or agreed')
    .option('--subject <text>')
    .option('--direction <dir>', 'outbound or inbound', 'outbound')
    .option('--attachment <file-or-url>', 'attachment name or URL (repeatable)', collect)
    .option('--at <time>', 'when it happened (default now; Lagos time without an offset)')
    .action(action('needs-database', () => import('./log.js')));
  owner
    .command('satisfaction')
    .argument('<owner>', 'id, e-mail or exact name')
    .description("record an owner's satisfaction rating and show their averages")
    .requiredOption('--category <category>', 'service, payment, support, platform')
    .requiredOption('--rating <1-5>', 'rating from 1 to 5')
    .option('--would-recommend <yes|no>')
    .option('--comment <text>')
    .action(action('needs-database', () => import('./satisfaction.js')));
}
