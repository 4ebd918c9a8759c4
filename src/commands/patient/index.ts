import type { Command } from 'commander';
import { type ActionFactory, collect, examples } from '../_shared/lazy.js';

export function registerPatientCommands(program: Command, action: ActionFactory): void {
  const patient = program
    .command('patient')
    .description('patients: import CSV files, add, show, list, opt-out')
    .addHelpText(
      'after',
      examples(
        'crm patient import patients.csv --hospital LAG-001 --errors rejected.csv',
        'crm patient import export.csv --map "Hosp No=external_id" --dry-run',
        'crm patient show 08031234567 --json',
        'crm patient opt-out +2348031234567 --channel sms',
        'crm patient merge 08031234567 08099887766 --yes',
      ),
    );
  patient
    .command('import')
    .argument('<file>', 'CSV file (comma or semicolon, UTF-8, with a header row)')
    .description('import or update patients from a CSV file of any size; resumable after a crash')
    .option('--hospital <code>', 'home hospital of rows that do not name one')
    .option('--map <column=field>', 'read COLUMN as FIELD (repeatable), e.g. "Hosp No=external_id"', collect)
    .option('--dry-run', 'validate and count everything, write nothing')
    .option('--errors <file>', 'write rejected rows with row number, column and reason to this CSV')
    .option('--max-errors <n>', 'stop (exit 3) when more than N rows are rejected')
    .addHelpText(
      'after',
      `
Fields: external_id (MRN), first_name, last_name, phone, email, date_of_birth (YYYY-MM-DD or DD/MM/YYYY),
gender, address, hospital, preferred_channel, language (en, pcm, yo, ha, ig), referred_by (phone or MRN),
sms_consent, whatsapp_consent, email_consent (yes/no). Common header spellings are recognised.
Exit codes: 0 all rows imported; 6 some rows rejected; 3 --max-errors exceeded or a required column missing.`,
    )
    .action(action('creates-database', () => import('./import.js')));
  patient
    .command('add')
    .description('add one patient (prompts for missing names and phone on a terminal)')
    .option('--first-name <name>')
    .option('--last-name <name>')
    .option('--phone <phone>', 'any Nigerian form, e.g. 0803 123 4567')
    .option('--email <email>')
    .option('--dob <date>', 'date of birth, YYYY-MM-DD or DD/MM/YYYY')
    .option('--gender <gender>', 'female, male or other')
    .option('--hospital <code>', 'home hospital')
    .option('--external-id <mrn>', "the hospital's MRN")
    .option('--address <address>')
    .option('--channel <channel>', 'preferred channel: sms, whatsapp, email')
    .option('--language <lang>', 'en, pcm, yo, ha, ig')
    .option('--referred-by <patient>', 'phone, MRN or id of the referring patient')
    .option('--consent <channels>', 'marketing consent, comma-separated: sms,whatsapp,email')
    .action(action('creates-database', () => import('./add.js')));
  patient
    .command('edit')
    .argument('<patient>', 'id, phone or MRN')
    .description('correct a patient (validated as patient add; "" removes an optional field)')
    .option('--first-name <name>')
    .option('--last-name <name>')
    .option('--phone <phone>', 'any Nigerian form, e.g. 0803 123 4567')
    .option('--email <email>')
    .option('--dob <date>', 'date of birth, YYYY-MM-DD or DD/MM/YYYY')
    .option('--gender <gender>', 'female, male or other')
    .option('--hospital <code>', 'home hospital ("" for none)')
    .option('--external-id <mrn>', "the hospital's MRN")
    .option('--address <address>')
    .option('--channel <channel>', 'preferred channel: sms, whatsapp, email')
    .option('--language <lang>', 'en, pcm, yo, ha, ig')
    .action(action('needs-database', () => import('./edit.js')));
  patient
    .command('merge')
    .argument('<keep>', 'the patient kept: id, phone or MRN')
    .argument('<duplicate>', 'the same person recorded again: id, phone or MRN')
    .description('make two records of one person one: appointments, messages and referrals move to KEEP')
    .option('--yes', 'do not ask for confirmation')
    .action(action('needs-database', () => import('./merge.js')));
  patient
    .command('erase')
    .argument('<patient>', 'id, phone or MRN')
    .description("erase a patient's personal data (data-protection request); appointments and payouts stay")
    .option('--yes', 'do not ask for confirmation')
    .action(action('needs-database', () => import('./erase.js')));
  patient
    .command('show')
    .argument('<patient>', 'id, phone or MRN')
    .description('show one patient')
    .action(action('needs-database', () => import('./show.js')));
  patient
    .command('list')
    .description('list patients')
    .option('--hospital <code>', 'only this home hospital')
    .option('--inactive-days <n>', 'only patients with no visit in the last N days')
    .option('--limit <n>', 'at most N rows', '100')
    .action(action('needs-database', () => import('./list.js')));
  patient
    .command('opt-out')
    .argument('<patient>', 'phone, MRN or id')
    .requiredOption('--channel <channel>', 'sms, whatsapp, email, or all')
    .description('stop all messages to a patient on a channel')
    .action(action('needs-database', () => import('./opt-out.js')));
}
