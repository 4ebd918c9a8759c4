import type { Command } from 'commander';
import { type ActionFactory, examples } from '../_shared/lazy.js';

export function registerDemoCommands(program: Command, action: ActionFactory): void {
  program
    .command('demo')
    .description(
      'build a realistic demo network (hospitals in Lagos, Abuja, Port Harcourt, Kano and Ibadan; owners, contracts, doctors, patients, transactions, appointments, feedback, loyalty, a campaign), run a month as an operator would and print the dashboard',
    )
    .option('--patients <n>', 'how many patients (default 2000)')
    .option(
      '--seed <n>',
      'the random seed: the same seed on the same day builds the same data (default 2026)',
    )
    .option('--reset', 'start over: delete the demo database first (embedded database only; asks first)')
    .option('--yes', 'do not ask before --reset deletes the demo database (required without a terminal)')
    .addHelpText(
      'after',
      examples(
        'crm demo',
        'CRM_DATA_DIR=/tmp/crm-demo crm demo --patients 5000 --seed 7',
        'crm demo --reset --yes',
        'crm demo --json',
      ),
    )
    .action(action('creates-database', () => import('./demo.js')));
}
