import type { Command } from 'commander';
import { type ActionFactory, examples } from '../_shared/lazy.js';

export function registerLoyaltyCommands(program: Command, action: ActionFactory): void {
  const loyalty = program
    .command('loyalty')
    .description('loyalty points: award, adjust, show, redeem, expire, liability; the rewards catalogue')
    .addHelpText(
      'after',
      examples(
        'crm loyalty award 08031234567 --points 50 --reason "survey" --json',
        'crm loyalty show 08031234567',
        'crm loyalty reward add --name "Free consultation" --cost 500 --min-tier silver --stock 20',
        'crm loyalty redeem 08031234567 --reward RW-0001',
        'crm loyalty expire --notify-days 14 --yes',
        'crm loyalty liability --json',
      ),
    );
  loyalty
    .command('award')
    .argument('<patient>', 'id, phone or MRN')
    .description('award points by hand, with a reason')
    .requiredOption('--points <n>', 'points to add (1 or more)')
    .requiredOption('--reason <text>', 'why (kept in the ledger and the audit log)')
    .option('--key <key>', 'idempotency key: the award is booked once however often it is retried')
    .action(action('needs-database', () => import('./award.js')));
  loyalty
    .command('adjust')
    .argument('<patient>', 'id, phone or MRN')
    .description('take points away (a correction); never below zero (exit 5)')
    .requiredOption('--points <n>', 'points to take, negative, e.g. -200')
    .requiredOption('--reason <text>', 'why')
    .option('--key <key>', 'idempotency key')
    .action(action('needs-database', () => import('./adjust.js')));
  loyalty
    .command('show')
    .argument('<patient>', 'id, phone or MRN')
    .description('balance, tier, lifetime points, points to the next tier, next expiry and recent history')
    .option('--limit <n>', 'history entries (default 10)')
    .action(action('needs-database', () => import('./show.js')));
  loyalty
    .command('redeem')
    .argument('<patient>', 'id, phone or MRN')
    .description('redeem a reward: tier, balance and stock checked at once (exit 5 with the reason)')
    .requiredOption('--reward <code>', 'reward code, e.g. RW-0001')
    .action(action('needs-database', () => import('./redeem.js')));
  loyalty
    .command('expire')
    .description('expire points earned more than the expiry period ago (cron-safe; asks unless --yes)')
    .option('--as-of <date>', 'expire as of the end of this Lagos day (YYYY-MM-DD); default now')
    .option(
      '--notify-days <n>',
      'also queue a "points expiring soon" message for points expiring within n days',
    )
    .option('--notify', 'the same with CRM_LOYALTY_NOTIFY_DAYS (default 14)')
    .option('--dry-run', 'show what would expire and be noticed; write nothing')
    .option('--yes', 'do not ask for confirmation')
    .action(action('needs-database', () => import('./expire.js')));
  loyalty
    .command('liability')
    .description('points outstanding, their naira value and what expires in 30/60/90 days')
    .option('--hospital <code>', 'only patients of this home hospital')
    .action(action('needs-database', () => import('./liability.js')));

  const reward = loyalty.command('reward').description('the rewards catalogue: add, list, disable');
  reward
    .command('add')
    .description('add a reward (prints its short code)')
    .requiredOption('--name <name>', 'what the patient gets')
    .requiredOption('--cost <points>', 'points it costs')
    .requiredOption('--min-tier <tier>', 'bronze, silver, gold or platinum')
    .option('--stock <n>', 'how many there are (default unlimited)')
    .action(action('needs-database', () => import('./reward-add.js')));
  reward
    .command('list')
    .description('list rewards')
    .option('--all', 'include disabled rewards')
    .action(action('needs-database', () => import('./reward-list.js')));
  reward
    .command('disable')
    .argument('<code>', 'reward code')
    .description('stop redemptions of a reward')
    .action(action('needs-database', () => import('./reward-disable.js')));
}
