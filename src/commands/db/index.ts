import type { Command } from 'commander';
import { type ActionFactory, examples } from '../_shared/lazy.js';

export function registerDbCommands(program: Command, action: ActionFactory): void {
  const db = program
    .command('db')
    .description('database schema, roles and per-person logins')
    .addHelpText(
      'after',
      examples(
        'crm db migrate',
        'crm db roles apply',
        'crm db user add bola --role approver',
        'crm db user add ada --role operator,finance --password-stdin < ada.pw',
        'crm db status --json',
        'crm db stop',
      ),
    );
  db.command('migrate')
    .description('apply pending migrations (the embedded database also migrates itself on first use)')
    .action(action('creates-database', () => import('./migrate.js')));
  db.command('status')
    .description('which database is used and which migrations are applied or pending')
    .action(action('needs-database', () => import('./status.js')));
  db.command('stop')
    .description("stop the embedded database's background service (the next command starts it again)")
    .action(action('needs-database', () => import('./stop.js')));
  const roles = db.command('roles').description('the crm_* group roles and their grants');
  roles
    .command('apply')
    .description(
      'create the crm_* groups and apply their grants (schema owner, after db migrate; idempotent)',
    )
    .action(action('needs-database', () => import('./roles-apply.js')));
  const user = db.command('user').description('per-person PostgreSQL logins (admins)');
  user
    .command('add')
    .description("create a login, or set an existing one's roles (exactly the ones given)")
    .argument('<login>', "the person's login name (lower case)")
    .requiredOption('--role <roles>', 'operator, approver, finance, marketing, admin — comma-separated')
    .option('--password-stdin', 'read the password from the first line of standard input')
    .action(action('needs-database', () => import('./user-add.js')));
  user
    .command('list')
    .description('the logins that are members of a crm_* group, with their roles')
    .action(action('needs-database', () => import('./user-list.js')));
  user
    .command('remove')
    .description('drop a login (its audit history stays, under its name)')
    .argument('<login>')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(action('needs-database', () => import('./user-remove.js')));
}
