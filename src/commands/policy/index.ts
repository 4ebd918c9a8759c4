import type { Command } from 'commander';
import { type ActionFactory, examples } from '../_shared/lazy.js';

export function registerPolicyCommands(program: Command, action: ActionFactory): void {
  const policy = program
    .command('policy')
    .description('money rules held by the database: dual-approval threshold, withholding-tax rates')
    .addHelpText(
      'after',
      examples(
        'crm policy list',
        'crm policy set dual-approval-threshold ₦20,000,000 --yes',
        'crm policy set wht-company 10%',
      ),
    );
  policy
    .command('list')
    .description('every rule, its value and who changed it last')
    .action(action('needs-database', () => import('./list.js')));
  policy
    .command('set')
    .description(
      'change a rule (admins only; audited): dual-approval-threshold, wht-company, wht-individual, wht-exempt',
    )
    .argument('<setting>', 'dual-approval-threshold | wht-company | wht-individual | wht-exempt')
    .argument('<value>', 'naira for the threshold (₦20,000,000), a percentage for a rate (7.5%)')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(action('needs-database', () => import('./set.js')));
}
