import type { Command } from 'commander';
import { type ActionFactory, examples } from '../_shared/lazy.js';

export function registerDbCommands(program: Command, action: ActionFactory): void {
  const db = program
    .command('db')
    .description('database schema: migrate and status')
    .addHelpText('after', examples('crm db migrate', 'crm db status --json'));
  db.command('migrate')
    .description('apply pending migrations (the embedded database also migrates itself on first use)')
    .action(action('creates-database', () => import('./migrate.js')));
  db.command('status')
    .description('which database is used and which migrations are applied or pending')
    .action(action('needs-database', () => import('./status.js')));
}
