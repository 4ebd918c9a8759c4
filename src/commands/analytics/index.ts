import type { Command } from 'commander';
import { type ActionFactory, examples } from '../_shared/lazy.js';

export function registerAnalyticsCommands(program: Command, action: ActionFactory): void {
  const analytics = program
    .command('analytics')
    .description('figures for a period against the one before: the dashboard, hospital scorecards')
    .addHelpText(
      'after',
      examples(
        'crm analytics dashboard',
        'crm analytics dashboard --period 2026-Q4 --hospital LAG-001',
        'crm analytics dashboard --period 2026-11 --json',
      ),
    );
  analytics
    .command('dashboard')
    .description(
      'patients, appointments, contracts, payouts, reminder delivery and owner satisfaction for a period, each with its change against the previous period',
    )
    .option('--period <period>', 'YYYY-MM or YYYY-Qn (default: the current month, Lagos time)')
    .option('--hospital <code>', 'one hospital instead of the whole network')
    .action(action('needs-database', () => import('./dashboard.js')));
}
