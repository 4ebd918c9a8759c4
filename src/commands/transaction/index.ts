import type { Command } from 'commander';
import { type ActionFactory, examples } from '../_shared/lazy.js';

export function registerTransactionCommands(program: Command, action: ActionFactory): void {
  const transaction = program
    .command('transaction')
    .description('hospital revenue: import transactions from CSV')
    .addHelpText(
      'after',
      examples(
        'crm transaction import transactions.csv --errors rejected.csv --json',
        'crm transaction import october.csv --dry-run',
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
}
