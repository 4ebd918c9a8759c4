import type { Command } from 'commander';
import { type ActionFactory, examples } from '../_shared/lazy.js';

export function registerHospitalCommands(program: Command, action: ActionFactory): void {
  const hospital = program
    .command('hospital')
    .description('partner hospitals: add, list, show')
    .addHelpText(
      'after',
      examples(
        'crm hospital add --code LAG-001 --name "Lagos Island Specialist" --state Lagos --city Lagos --manager-email ops@example.ng',
        'crm hospital list',
        'crm hospital show LAG-001 --json',
        'crm hospital edit LAG-001 --manager-email service@example.ng',
      ),
    );
  hospital
    .command('add')
    .description('add a hospital (prompts for missing values on a terminal)')
    .option('--code <code>', 'human code, e.g. LAG-001')
    .option('--name <name>', 'hospital name')
    .option('--state <state>', 'Nigerian state or FCT, e.g. Lagos, Akwa Ibom, FCT (Abuja)')
    .option('--city <city>', 'city')
    .option('--address <address>', 'street address')
    .option('--manager-email <email>', "service manager's e-mail (feedback alerts go there)")
    .action(action('creates-database', () => import('./add.js')));
  hospital
    .command('edit')
    .argument('<hospital>', 'code or id')
    .description('correct a hospital (its code stays: records and bank files name it)')
    .option('--name <name>', 'hospital name')
    .option('--state <state>', 'Nigerian state or FCT')
    .option('--city <city>', 'city')
    .option('--address <address>', 'street address ("" removes it)')
    .option('--manager-email <email>', 'service manager\'s e-mail ("" removes it)')
    .action(action('needs-database', () => import('./edit.js')));
  hospital
    .command('list')
    .description('list hospitals with their patient counts')
    .action(action('needs-database', () => import('./list.js')));
  hospital
    .command('show')
    .argument('<hospital>', 'code or id')
    .description('show one hospital')
    .action(action('needs-database', () => import('./show.js')));
}
