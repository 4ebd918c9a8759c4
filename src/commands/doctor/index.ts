import type { Command } from 'commander';
import { type ActionFactory, examples } from '../_shared/lazy.js';

export function registerDoctorCommands(program: Command, action: ActionFactory): void {
  const doctor = program
    .command('doctor')
    .description('doctors: add, list, show, weekly availability, days off, free slots')
    .addHelpText(
      'after',
      examples(
        'crm doctor add --hospital LAG-001 --name "Dr. Ngozi Okafor" --department cardiology',
        'crm doctor availability DR-0001 --day mon --from 09:00 --to 13:00',
        'crm doctor availability remove DR-0001 --day mon --from 09:00',
        'crm doctor time-off remove DR-0001 --date 2026-12-24',
        'crm doctor slots DR-0001 --date 2026-12-01 --type consultation',
      ),
    );
  doctor
    .command('add')
    .description('add a doctor to a hospital')
    .option('--hospital <code>', 'hospital code (required; asked on a terminal)')
    .option('--name <name>', 'full name (required; asked on a terminal)')
    .option('--department <department>', 'e.g. cardiology, paediatrics (required; asked on a terminal)')
    .option('--code <code>', 'human code (default DR-0001, DR-0002, …)')
    .action(action('creates-database', () => import('./add.js')));
  doctor
    .command('list')
    .description('list doctors')
    .option('--hospital <code>', 'only this hospital')
    .option('--department <department>', 'only this department')
    .action(action('needs-database', () => import('./list.js')));
  doctor
    .command('show')
    .argument('<doctor>', 'code or id')
    .description('a doctor with availability and days off')
    .action(action('needs-database', () => import('./show.js')));
  doctor
    .command('edit')
    .argument('<doctor>', 'code or id')
    .description('correct a doctor (a doctor with appointments stays at their hospital)')
    .option('--name <name>', 'full name')
    .option('--department <department>', 'e.g. cardiology, paediatrics')
    .option('--hospital <code>', 'move a doctor who has no appointments yet')
    .action(action('needs-database', () => import('./edit.js')));
  // --day, --from, --to and --date are checked by the commands, not declared required: commander
  // checks an ancestor's required options in a subcommand (`availability remove`) too, and parses
  // them there as the ancestor's (the subcommands read them through optsWithGlobals).
  const availability = doctor
    .command('availability')
    .argument('<doctor>', 'code or id')
    .description('add a weekly window in Lagos time (several per day allowed); remove one')
    .option('--day <day>', 'mon, tue, wed, thu, fri, sat, sun (required)')
    .option('--from <HH:MM>', 'start, e.g. 09:00 (required)')
    .option('--to <HH:MM>', 'end, e.g. 13:00 (required)')
    .action(action('needs-database', () => import('./availability.js')));
  availability
    .command('remove')
    .argument('<doctor>', 'code or id')
    .description('remove a weekly window (refused while it holds live appointments from now on)')
    .option('--day <day>', 'mon, tue, wed, thu, fri, sat, sun (required)')
    .option('--from <HH:MM>', "the window's start (required)")
    .action(action('needs-database', () => import('./availability-remove.js')));
  const timeOff = doctor
    .command('time-off')
    .argument('<doctor>', 'code or id')
    .description('days off (no bookings except emergencies); remove days off to come')
    .option('--date <date>', 'first day off, YYYY-MM-DD (required)')
    .option('--to <date>', 'last day off (inclusive)')
    .option('--reason <text>', 'e.g. conference, leave')
    .action(action('needs-database', () => import('./time-off.js')));
  timeOff
    .command('remove')
    .argument('<doctor>', 'code or id')
    .description('take back days off from today on (past days off are kept)')
    .option('--date <date>', 'first day, YYYY-MM-DD (required)')
    .option('--to <date>', 'last day (inclusive)')
    .action(action('needs-database', () => import('./time-off-remove.js')));
  doctor
    .command('slots')
    .argument('<doctor>', 'code or id')
    .description('free slots on a date')
    .requiredOption('--date <date>', 'YYYY-MM-DD')
    .option(
      '--type <type>',
      'consultation, follow-up, procedure, emergency (sets the length)',
      'consultation',
    )
    .option('--duration <minutes>', 'slot length in minutes (overrides --type)')
    .action(action('needs-database', () => import('./slots.js')));
}
