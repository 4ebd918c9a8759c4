import type { Command } from 'commander';
import { type ActionFactory, examples } from '../_shared/lazy.js';

export function registerTransactionCommands(program: Command, action: ActionFactory): void {
  const transaction = program
    .command('transaction')
    .description('hospital revenue: import transactions from CSV, list, show, void')
    .addHelpText(
      'after',
      examples(
        'crm transaction import transactions.csv --errors rejected.csv --json',
        'crm transaction import october.csv --dry-run',
        'crm transaction list --hospital LAG-001 --period 2026-10',
        'crm transaction void TX-1001 --reason "entered twice" --yes',
      ),
    );
  transaction
    .command('import')
    .argument('<file>', 'CSV with columns hospital,reference,occurred_at,amount,kind')
    .description('import transactions from a CSV of any size; idempotent on reference, safe to re-run')
    .option('--dry-run', 'validate and count everything, write nothing')
    .option('--errors <file>', 'write rejected rows with row number, column and reason to this CSV')
    .option('--max-errors <n>', 'stop (exit 3) when more than N rows are rejected')
    .addHelpText(
      'after',
      `
Columns: hospital (code), reference (unique), occurred_at (Lagos time unless it has an offset),
amount (naira, e.g. 125000.50), kind (payment or refund; refunds reduce revenue).
A known reference with the same values is unchanged; with other values it is a rejected row.
Killed at any point (even kill -9), the same command run again ends where one clean run would.
Exit codes: 0 all rows imported or unchanged; 6 some rows rejected; 3 --max-errors exceeded or a column missing.`,
    )
    .action(action('needs-database', () => import('./import.js')));
  transaction
    .command('list')
    .description('transactions, newest first (voids and voided ones marked)')
    .option('--hospital <code>', 'only this hospital')
    .option('--period <period>', 'only this month or quarter (YYYY-MM or YYYY-Qn, Lagos time)')
    .option('--limit <n>', 'at most N rows', '100')
    .action(action('needs-database', () => import('./list.js')));
  transaction
    .command('show')
    .argument('<reference>', "the transaction's reference")
    .description('one transaction')
    .action(action('needs-database', () => import('./show.js')));
  transaction
    .command('void')
    .argument('<reference>', "the transaction's reference")
    .description(
      'cancel a transaction by a compensating row (never a delete); a period with payouts is re-run, decided payouts get an adjustment',
    )
    .requiredOption('--reason <text>', 'why it is void')
    .option('--yes', 'do not ask for confirmation')
    .action(action('needs-database', () => import('./void.js')));
}
