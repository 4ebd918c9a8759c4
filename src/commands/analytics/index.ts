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
        'crm analytics dashboard --period 2026-11 --html report.html',
        'crm analytics hospitals --period 2026-11 --sort no-show-rate',
        'crm analytics hospitals --period 2026-Q4 --csv scorecards.csv',
        'crm analytics owner finance@adebayo-holdings.ng --json',
        'crm analytics journey 08031234567 --json',
        'crm analytics cohorts --from 2026-01',
      ),
    );
  analytics
    .command('dashboard')
    .description(
      'patients, appointments, contracts, payouts, reminder delivery, feedback, loyalty, campaigns and owner satisfaction for a period, each with its change against the previous period',
    )
    .option('--period <period>', 'YYYY-MM or YYYY-Qn (default: the current month, Lagos time)')
    .option('--hospital <code>', 'one hospital instead of the whole network')
    .option(
      '--html <file>',
      'also write a self-contained HTML report with charts and the hospital scorecards (0600; no script, no network)',
    )
    .action(action('needs-database', () => import('./dashboard.js')));
  analytics
    .command('hospitals')
    .description(
      'one scorecard per hospital: revenue, owner share, top-up, patients, appointments, no-show rate, reminder delivery by channel, rating, NPS, alerts',
    )
    .option('--period <period>', 'YYYY-MM or YYYY-Qn (default: the current month, Lagos time)')
    .option(
      '--sort <figure>',
      'hospital, revenue, owner-share, top-up, new-patients, active-patients, appointments, no-show-rate, rating, nps, open-alerts, overdue-alerts (largest first)',
    )
    .option('--csv <file>', 'also write the scorecards to a CSV file (0600)')
    .action(action('needs-database', () => import('./hospitals.js')));
  analytics
    .command('owner')
    .argument('<owner>', 'owner id, e-mail or exact name')
    .description(
      "an owner's revenue and payouts by period, top-ups, satisfaction by month and communications",
    )
    .action(action('needs-database', () => import('./owner.js')));
  analytics
    .command('journey')
    .argument('<patient>', 'patient id, phone or e-mail')
    .description(
      "a patient's timeline: registration, appointments with their reminders and outcomes, feedback, loyalty points, campaigns received",
    )
    .action(action('needs-database', () => import('./journey.js')));
  analytics
    .command('cohorts')
    .description(
      'retention: patients by the month of their first completed appointment, and the share back in each month after; campaign effect against the holdout',
    )
    .option('--from <month>', 'first cohort, YYYY-MM (default: 11 months before the current one)')
    .action(action('needs-database', () => import('./cohorts.js')));
}
