import type { Command } from 'commander';
import type { GlobalFlags } from '../_shared/context.js';
import { type ActionFactory, examples } from '../_shared/lazy.js';

/** The flags of a contract's terms, shared by `contract create` and `contract edit`. */
export interface TermsFlags extends GlobalFlags {
  owner?: string;
  hospital?: string;
  share?: string;
  guarantee?: string;
  frequency?: string;
  terms?: string;
  start?: string;
  end?: string;
  notes?: string;
}

function termsOptions(command: Command): Command {
  return command
    .option('--owner <owner>', 'owner id, e-mail or exact name')
    .option('--hospital <code>', 'hospital code, e.g. LAG-001')
    .option('--share <percent>', "owner's revenue share in percent, e.g. 70")
    .option('--guarantee <naira>', 'minimum guarantee per payout period, e.g. 500000')
    .option('--frequency <freq>', 'payout frequency: monthly or quarterly')
    .option('--terms <days>', 'payment terms in days (default 30: Net 30)')
    .option('--start <date>', 'first day, YYYY-MM-DD (Lagos calendar, inclusive)')
    .option('--end <date>', 'last day, YYYY-MM-DD (inclusive); omit for open-ended')
    .option('--notes <text>');
}

export function registerContractCommands(program: Command, action: ActionFactory): void {
  const contract = program
    .command('contract')
    .description('owner contracts: create, edit, activate, terminate, milestones, performance')
    .addHelpText(
      'after',
      `${examples(
        'crm contract create --owner ops@adebayo.ng --hospital LAG-001 --share 70 --guarantee 500000 --frequency monthly --start 2026-01-01 --end 2026-12-31',
        'crm contract activate CT-2026-0001',
        'crm contract show CT-2026-0001 --json',
        'crm contract milestones --due-within 30d',
        'crm contract expire-due',
      )}
Crontab line (crontab -e), daily at 00:05:
  5 0 * * * cd /srv/crm && crm contract expire-due --json >> /var/log/crm-contracts.log 2>&1
`,
    );
  termsOptions(
    contract
      .command('create')
      .description('create a draft contract (prompts for missing values on a terminal)'),
  ).action(action('needs-database', () => import('./create.js')));
  termsOptions(
    contract
      .command('edit')
      .argument('<contract>', 'number (CT-2026-0001) or id')
      .description('change a draft contract (use --end none to make it open-ended)'),
  ).action(action('needs-database', () => import('./edit.js')));
  contract
    .command('activate')
    .argument('<contract>', 'number or id')
    .description('activate a draft: checks overlaps for the hospital, creates review milestones')
    .action(action('needs-database', () => import('./activate.js')));
  contract
    .command('terminate')
    .argument('<contract>', 'number or id')
    .description('terminate an active contract (asks for confirmation; --yes)')
    .requiredOption('--reason <text>', 'why it ends')
    .option('--effective <date>', 'last day in force, YYYY-MM-DD (default today)')
    .option('--yes', 'do not ask for confirmation')
    .action(action('needs-database', () => import('./terminate.js')));
  contract
    .command('list')
    .description('list contracts')
    .option('--status <status>', 'draft, active, expired, terminated')
    .option('--hospital <code>')
    .option('--owner <owner>')
    .action(action('needs-database', () => import('./list.js')));
  contract
    .command('show')
    .argument('<contract>', 'number or id')
    .description('show a contract with its milestones and performance per period')
    .action(action('needs-database', () => import('./show.js')));
  contract
    .command('expire-due')
    .description('expire active contracts whose end date has passed (safe to run from cron)')
    .action(action('needs-database', () => import('./expire-due.js')));
  contract
    .command('milestones')
    .description('review milestones still to do')
    .option('--due-within <duration>', 'due within this window, e.g. 30d (overdue ones included)')
    .option('--overdue', 'only overdue milestones')
    .option('--contract <contract>', 'only this contract')
    .option('--all', 'include completed and cancelled milestones')
    .action(action('needs-database', () => import('./milestones.js')));
  contract
    .command('milestone-complete')
    .argument('<milestone>', 'milestone id (or its first 8+ characters)')
    .description('mark a review milestone completed')
    .requiredOption('--notes <text>', 'what the review found')
    .action(action('needs-database', () => import('./milestone-complete.js')));
}
