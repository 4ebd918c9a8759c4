import type { Command } from 'commander';
import { type ActionFactory, examples } from '../_shared/lazy.js';

export function registerAppointmentCommands(program: Command, action: ActionFactory): void {
  const appointment = program
    .command('appointment')
    .description('appointments: schedule, confirm, reschedule, cancel, complete, no-show, list, show')
    .addHelpText(
      'after',
      examples(
        'crm appointment schedule --patient 08031234567 --doctor DR-0001 --type consultation --at "2026-12-01 10:00"',
        'crm appointment reschedule AP-000001 --at "2026-12-02 11:00"',
        'crm appointment list --doctor DR-0001 --date 2026-12-01 --json',
      ),
    );
  appointment
    .command('schedule')
    .description('book an appointment (exit 5 naming the clashing appointment on overlap)')
    .requiredOption('--patient <patient>', 'id, phone or MRN')
    .requiredOption('--doctor <doctor>', 'doctor code or id')
    .requiredOption('--type <type>', 'consultation (30 min), follow-up (15), procedure (60), emergency (30)')
    .requiredOption('--at <time>', 'Lagos time, e.g. "2026-12-01 10:00"')
    .option('--duration <minutes>', 'length in whole minutes, 5 to 1440 (default by type)')
    .action(action('needs-database', () => import('./schedule.js')));
  for (const [verb, description] of [
    ['confirm', 'confirm a scheduled appointment'],
    ['complete', "mark as completed (updates the patient's last visit)"],
    ['no-show', 'mark that the patient did not come'],
  ] as const) {
    appointment
      .command(verb)
      .argument('<appointment>', 'code (AP-000001) or id')
      .description(description)
      .action(action('needs-database', () => import(`./${verb}.js`)));
  }
  appointment
    .command('cancel')
    .argument('<appointment>', 'code (AP-000001) or id')
    .description('cancel an appointment and its pending reminders')
    .option('--reason <text>', 'why')
    .action(action('needs-database', () => import('./cancel.js')));
  appointment
    .command('reschedule')
    .argument('<appointment>', 'code (AP-000001) or id')
    .description('move an appointment (same checks as schedule); its reminders are replaced')
    .requiredOption('--at <time>', 'new Lagos time')
    .option('--duration <minutes>', 'new length in whole minutes, 5 to 1440 (default: unchanged)')
    .action(action('needs-database', () => import('./reschedule.js')));
  appointment
    .command('list')
    .description('list appointments')
    .option('--doctor <doctor>', 'doctor code or id')
    .option('--patient <patient>', 'id, phone or MRN')
    .option('--hospital <code>', 'hospital code')
    .option('--status <status>', 'scheduled, confirmed, completed, no-show, cancelled')
    .option('--date <date>', 'a Lagos day, YYYY-MM-DD')
    .option('--limit <n>', 'at most N rows', '100')
    .action(action('needs-database', () => import('./list.js')));
  appointment
    .command('show')
    .argument('<appointment>', 'code (AP-000001) or id')
    .description('one appointment with its reminders')
    .action(action('needs-database', () => import('./show.js')));
}
