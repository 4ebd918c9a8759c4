/**
 * The `crm` program: global flags, the command tree and the mapping of errors to exit codes.
 * The only module that calls process.exit. Command modules are imported lazily, so `crm --help`
 * loads neither MikroORM nor the messaging SDKs.
 */
import { Command, CommanderError, Option } from 'commander';
import { createContext } from './commands/_shared/context.js';
import { processIo } from './commands/_shared/io.js';
import { examples, lazyActions, type MakeContext } from './commands/_shared/lazy.js';
import { registerAnalyticsCommands } from './commands/analytics/index.js';
import { registerAppointmentCommands } from './commands/appointment/index.js';
import { registerAuditCommands } from './commands/audit/index.js';
import { registerCampaignCommands } from './commands/campaign/index.js';
import { registerDbCommands } from './commands/db/index.js';
import { registerDemoCommands } from './commands/demo/index.js';
import { registerDoctorCommands } from './commands/doctor/index.js';
import { registerFeedbackCommands } from './commands/feedback/index.js';
import { registerHospitalCommands } from './commands/hospital/index.js';
import { registerLoyaltyCommands } from './commands/loyalty/index.js';
import { registerMessageCommands } from './commands/message/index.js';
import { registerOwnerCrmCommands } from './commands/owner/owner-crm.js';
import { registerPatientCommands } from './commands/patient/index.js';
import { registerPolicyCommands } from './commands/policy/index.js';
import { registerReminderCommands } from './commands/reminder/index.js';
import { maskText, redactCommandLine } from './core/audit/redact.js';
import { type Config, loadConfig } from './core/config.js';
import { mapDriverError } from './core/db/driver-errors.js';
import { onEmbeddedAbort } from './core/db/embedded-abort.js';
import { CrmError, ExitCode } from './core/errors.js';
import { clip } from './core/text.js';

export function buildProgram(makeContext: MakeContext): Command {
  const program = new Command('crm')
    .description(
      'Back office of the partner-hospital network: owners, contracts and payouts; patients, appointments and reminders.',
    )
    .version(process.env.npm_package_version ?? '0.1.0', '-V, --version')
    .option('--json', 'print one JSON document on stdout (read and run commands)')
    .option('--operator <name>', 'who is running this (default: CRM_OPERATOR, else the OS user)')
    .option('--database-url <url>', 'PostgreSQL URL (default: DATABASE_URL, else the embedded database)')
    .option('--wide', 'tables show every column, uncut, whatever the width of the terminal')
    .option('-v, --verbose', 'show stack traces and details of errors')
    .addOption(new Option('--no-color', 'no colour in output (also when NO_COLOR is set)'))
    // Every subcommand's --help lists these too (maker-checker depends on --operator); set before
    // the groups are added, so that each command inherits it.
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    // Commander quotes what it could not parse (`unknown option '--token=…'`) whole: masked like our
    // errors, and at most ~100 characters of each quote.
    .configureOutput({ outputError: (text, write) => write(clipLines(maskText(text))) });
  program.addHelpText(
    'after',
    examples(
      'crm db migrate',
      'crm hospital add --code LAG-001 --name "Lagos Island Specialist" --state Lagos --city Lagos',
      'crm patient import patients.csv --hospital LAG-001 --errors rejected.csv',
    ),
  );
  const action = lazyActions(makeContext);
  registerDbCommands(program, action);
  registerHospitalCommands(program, action);
  registerPatientCommands(program, action);
  registerOwnerCrmCommands(program, action);
  registerDoctorCommands(program, action);
  registerAppointmentCommands(program, action);
  registerLoyaltyCommands(program, action);
  registerReminderCommands(program, action);
  registerFeedbackCommands(program, action);
  registerMessageCommands(program, action);
  registerCampaignCommands(program, action);
  registerPolicyCommands(program, action);
  registerAuditCommands(program, action);
  registerAnalyticsCommands(program, action);
  registerDemoCommands(program, action);
  for (const group of program.commands)
    group.exitOverride().showHelpAfterError('(run with --help for usage)');
  return program;
}

/** The longest error line printed; messages quote at most ~100 characters of any value. */
const MAX_ERROR_CHARS = 1000;

/** Each line of commander's error output, escaped and cut to ~200 characters. */
function clipLines(text: string): string {
  return text
    .split('\n')
    .map((line) => clip(line, 200))
    .join('\n');
}

function reportError(error: unknown, verbose: boolean, stderr: NodeJS.WritableStream): number {
  if (error instanceof CommanderError) {
    if (
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      error.code === 'commander.help'
    ) {
      return ExitCode.ok;
    }
    // commander already printed its message.
    return ExitCode.usage;
  }
  // Messages quote values as given (`patient not found: 08031234567`): secrets, phones and
  // e-mails are masked in everything written here, stack traces included.
  const mapped = error instanceof CrmError ? error : mapDriverError(error);
  if (mapped) {
    // One line, whatever a message quotes: masked, escaped, and cut should it ever run long.
    stderr.write(`crm: error: ${clip(maskText(mapped.message), MAX_ERROR_CHARS)}\n`);
    if (verbose && mapped.stack) stderr.write(`${maskText(mapped.stack)}\n`);
    return mapped.exitCode;
  }
  const message = clip(
    maskText(error instanceof Error ? error.message.split('\n')[0] : String(error)),
    MAX_ERROR_CHARS,
  );
  stderr.write(`crm: unexpected error: ${message}${verbose ? '' : ' (run with --verbose for details)'}\n`);
  if (verbose && error instanceof Error) stderr.write(`${maskText(String(error.stack))}\n`);
  return ExitCode.unexpected;
}

/** How long a command may go on after PGlite aborted, to end by its own error path first. */
const ABORT_GRACE_MS = 5000;

/**
 * After PGlite's module aborted, a query waiting on it never settles (core/db/embedded-abort.ts):
 * unless the command ends by itself within the grace period, it is ended here with exit 7 and
 * the message a full disk or a crash of the embedded database gets elsewhere.
 */
function endCommandsThatOutliveAnEmbeddedAbort(verbose: boolean): void {
  onEmbeddedAbort(({ dataDir, what }) => {
    const timer = setTimeout(async () => {
      const { embeddedFailure } = await import('./core/db/embedded-folder.js');
      const error = new Error(`Aborted(${what})`);
      const mapped = embeddedFailure(error, dataDir)!;
      process.exit(reportError(mapped, verbose, process.stderr));
    }, ABORT_GRACE_MS);
    // The watch itself keeps nothing alive: a command that ends by itself ends as usual.
    timer.unref();
  });
}

export async function main(argv: string[]): Promise<void> {
  const verbose = argv.includes('--verbose') || argv.includes('-v') || process.env.CRM_DEBUG === '1';
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    process.exit(reportError(error, verbose, process.stderr));
  }
  const noColor = config.noColor || argv.includes('--no-color');
  const io = processIo(noColor);
  // What the audit log and the embedded database's lock file record: no secret, no personal data.
  const commandLine = redactCommandLine(argv.slice(2));
  let warnedNow = false;
  const makeContext: MakeContext = (flags, need) => {
    const ctx = createContext(io, config, flags, commandLine, need);
    if (!warnedNow) {
      warnedNow = true;
      if (config.fixedNow) ctx.warn(`CRM_NOW is set: running as if it were ${config.fixedNow.toISO()}`);
      for (const name of config.ignoredVariables)
        ctx.warn(`${name} is ignored: money rules are policy in the database (crm policy list)`);
    }
    return ctx;
  };
  endCommandsThatOutliveAnEmbeddedAbort(verbose);
  const program = buildProgram(makeContext);
  let code: number = ExitCode.ok;
  try {
    await program.parseAsync(argv);
  } catch (error) {
    code = reportError(error, verbose, process.stderr);
  }
  // Let stdout drain before exiting (large JSON documents through a pipe).
  process.exitCode = code;
  if (code !== ExitCode.ok) process.stdout.write('', () => process.exit(code));
}
