import type { Command } from 'commander';
import { type ActionFactory, examples } from '../_shared/lazy.js';

export function registerAuditCommands(program: Command, action: ActionFactory): void {
  const audit = program
    .command('audit')
    .description('the audit log: who changed what, and a check that nobody altered it')
    .addHelpText(
      'after',
      examples(
        'crm audit verify',
        'crm audit list --since 2026-11-01 --entity payout',
        'crm audit list --operator bola --json',
      ),
    );
  audit
    .command('verify')
    .description('check the hash chain of the audit log; exit 5 naming the first broken link')
    .action(action('needs-database', () => import('./verify.js')));
  audit
    .command('list')
    .description('the newest audit rows, oldest first')
    .option('--since <time>', 'from this time (Lagos time unless an offset is given)')
    .option('--operator <name>', 'rows of this operator only')
    .option('--entity <kind>', 'rows about this kind of record only (payout, contract, policy, …)')
    .option('--limit <n>', 'at most this many rows (default 50)')
    .action(action('needs-database', () => import('./list.js')));
}
