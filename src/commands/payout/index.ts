import type { Command } from 'commander';
import { type ActionFactory, examples } from '../_shared/lazy.js';

export function registerPayoutCommands(program: Command, action: ActionFactory): void {
  const payout = program
    .command('payout')
    .description('owner payouts: run a period, approve, export for the bank, reconcile')
    .addHelpText(
      'after',
      examples(
        'crm payout run --period 2026-10 --dry-run',
        'crm payout run --period 2026-10 --operator ada --json',
        'crm payout approve CT-2026-0001-2026-10 --operator bola --yes',
        'crm payout export --period 2026-10 --out payouts.csv --operator ada --yes',
        'crm payout reconcile bank.csv --errors unapplied.csv --yes',
        'crm payout retry CT-2026-0001-2026-10 --yes',
        'crm payout adjustments --period 2026-10',
      ),
    );
  payout
    .command('run')
    .description(
      'calculate the payouts of an ended period (re-runs recompute calculated payouts, void those without an active contract day, and record adjustments for decided ones)',
    )
    .requiredOption('--period <period>', 'YYYY-MM (monthly contracts) or YYYY-Qn (quarterly contracts)')
    .option('--dry-run', 'show the full calculation, write nothing')
    .action(action('needs-database', () => import('./run.js')));
  payout
    .command('adjustments')
    .description(
      "differences found after a period's payouts were decided, and which later payout carries each",
    )
    .requiredOption('--period <period>', 'the period of the payouts that changed: YYYY-MM or YYYY-Qn')
    .action(action('needs-database', () => import('./adjustments.js')));
  payout
    .command('list')
    .description('list payouts')
    .option('--period <period>', 'YYYY-MM or YYYY-Qn')
    .option('--status <status>', 'calculated, approved, exported, paid, failed, rejected, void')
    .option('--hospital <code>')
    .option('--contract <number>')
    .action(action('needs-database', () => import('./list.js')));
  payout
    .command('show')
    .argument('<payout>', 'reference (CT-2026-0001-2026-10), id or id prefix')
    .description('show the full calculation of a payout and its approvals')
    .action(action('needs-database', () => import('./show.js')));
  payout
    .command('approve')
    .argument('<payouts...>', 'references, ids or id prefixes')
    .description('approve payouts (maker-checker; two approvers above CRM_DUAL_APPROVAL_KOBO)')
    .option('--yes', 'do not ask for confirmation')
    .action(action('needs-database', () => import('./approve.js')));
  payout
    .command('reject')
    .argument('<payout>', 'reference, id or id prefix')
    .description('reject a calculated payout: it is not paid (payout reopen takes a rejection back)')
    .requiredOption('--reason <text>', 'why')
    .option('--yes', 'do not ask for confirmation')
    .action(action('needs-database', () => import('./reject.js')));
  payout
    .command('unapprove')
    .argument('<payout>', 'reference, id or id prefix')
    .description('take back an approval before export: calculated again, approvals needed again (approvers)')
    .option('--yes', 'do not ask for confirmation')
    .action(action('needs-database', () => import('./unapprove.js')));
  payout
    .command('reopen')
    .argument('<payout>', 'reference, id or id prefix')
    .description('a rejected payout back to calculated; the next run recalculates it (approvers)')
    .option('--yes', 'do not ask for confirmation')
    .action(action('needs-database', () => import('./reopen.js')));
  payout
    .command('export')
    .description('write the approved payouts of a period as a bank bulk-transfer CSV and mark them exported')
    .requiredOption('--period <period>', 'YYYY-MM or YYYY-Qn')
    .option('--out <file>', 'write the CSV here (default: stdout)')
    .option('--format <format>', 'bank layout', 'generic')
    .option('--include-exported', 'write the already exported payouts of the period again')
    .option('--yes', 'do not ask for confirmation')
    .action(action('needs-database', () => import('./export.js')));
  payout
    .command('reconcile')
    .argument('<file>', "the bank's confirmation CSV: reference, status, amount, paid_at")
    .description(
      'mark exported payouts paid or failed from the bank confirmation, when amount and date match (safe to re-run)',
    )
    .option('--errors <file>', 'write rows that could not be applied to this CSV')
    .option('--yes', 'do not ask for confirmation')
    .action(action('needs-database', () => import('./reconcile.js')));
  payout
    .command('retry')
    .argument('<payouts...>', 'references or ids of payouts the bank refused (failed)')
    .description('put failed payouts back to approved, for the next bank export of their period')
    .option('--yes', 'do not ask for confirmation')
    .action(action('needs-database', () => import('./retry.js')));
}
