import type { Command } from 'commander';
import { type ActionFactory, collect, examples } from '../_shared/lazy.js';

export function registerFeedbackCommands(program: Command, action: ActionFactory): void {
  const feedback = program
    .command('feedback')
    .description('patient feedback: record, NPS, low-rating alerts, suggestions')
    .addHelpText(
      'after',
      examples(
        'crm feedback record 08031234567 --appointment AP-000123 --rating 2 --category wait_time=1 --nps 4 --comment "waited 3 hours"',
        'crm feedback alerts --overdue',
        'crm feedback resolve AL-2026-0001 --note "called the patient; triage desk staffed at 8am"',
        'crm feedback nps --by hospital --period 2026-Q4 --json',
      ),
    );
  feedback
    .command('record')
    .argument('<patient>', 'patient id, phone or MRN')
    .description(
      'record feedback; a low rating (≤ 2) opens an alert and queues an e-mail to the service manager',
    )
    .option('--appointment <code>', 'the completed appointment it is about (one feedback per appointment)')
    .option('--hospital <code>', "without --appointment: the hospital it is about (default: the patient's)")
    .option('--rating <1-5>', 'overall rating, 1 to 5 (required)')
    .option(
      '--category <name=score>',
      'doctor, nursing, wait_time, cleanliness, billing, facilities = 1-5 (repeatable)',
      collect,
    )
    .option('--nps <0-10>', 'how likely to recommend us, 0 to 10')
    .option('--comment <text>', 'what the patient said')
    .option('--suggestion <text>', 'an improvement suggestion for the hospital')
    .action(action('needs-database', () => import('./record.js')));
  feedback
    .command('list')
    .description('feedback, newest first (deleted feedback left out)')
    .option('--hospital <code>', 'one hospital')
    .option('--period <period>', 'YYYY-MM or YYYY-Qn (Lagos time)')
    .option('--min-rating <n>', 'rating at least n')
    .option('--max-rating <n>', 'rating at most n')
    .option('--limit <n>', 'at most N rows', '100')
    .action(action('needs-database', () => import('./list.js')));
  feedback
    .command('show')
    .argument('<feedback>', 'code (FB-000001) or id')
    .description('one feedback with its alert and suggestion')
    .action(action('needs-database', () => import('./show.js')));
  feedback
    .command('delete')
    .argument('<feedback>', 'code (FB-000001) or id')
    .description('delete feedback (kept with who, when and why; left out of lists and NPS)')
    .option('--reason <text>', 'why (required)')
    .action(action('needs-database', () => import('./delete.js')));
  feedback
    .command('nps')
    .description('Net Promoter Score, average rating and category scores; < 30 NPS answers is a thin sample')
    .option('--hospital <code>', 'one hospital')
    .option('--period <period>', 'YYYY-MM or YYYY-Qn (Lagos time)')
    .option('--by <grouping>', 'hospital, doctor or month')
    .action(action('needs-database', () => import('./nps.js')));
  feedback
    .command('alerts')
    .description('low-rating alerts not resolved yet, overdue first (marked)')
    .option('--status <status>', 'open, acknowledged or resolved')
    .option('--overdue', 'only alerts past their due time')
    .option('--hospital <code>', 'one hospital')
    .action(action('needs-database', () => import('./alerts.js')));
  feedback
    .command('acknowledge')
    .argument('<alert>', 'alert code (AL-2026-0001) or id')
    .description('take an open alert up (open → acknowledged)')
    .action(action('needs-database', () => import('./acknowledge.js')));
  feedback
    .command('resolve')
    .argument('<alert>', 'alert code (AL-2026-0001) or id')
    .description('close an alert with what was done (→ resolved)')
    .option('--note <text>', 'what was done (required)')
    .action(action('needs-database', () => import('./resolve.js')));
  feedback
    .command('suggestions')
    .description('improvement suggestions, newest first')
    .option('--hospital <code>', 'one hospital')
    .option('--status <status>', 'new, planned, done or declined')
    .action(action('needs-database', () => import('./suggestions.js')));
  feedback
    .command('suggestion')
    .description('one suggestion')
    .command('set-status')
    .argument('<suggestion>', 'suggestion code (SG-000001) or id')
    .argument('<status>', 'planned, done or declined (new → planned → done | declined)')
    .option('--note <text>', 'a note for the record')
    .action(action('needs-database', () => import('./suggestion-set-status.js')));
}
