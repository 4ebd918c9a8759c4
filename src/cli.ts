/**
 * The `crm` program: global flags, the command tree and the mapping of errors to exit codes.
 * The only module that calls process.exit. Command modules are imported lazily, so `crm --help`
 * loads neither MikroORM nor the messaging SDKs.
 */
import { Command, CommanderError, Option } from 'commander';
import { createContext } from './commands/_shared/context.js';
import { processIo } from './commands/_shared/io.js';
import { examples, lazyActions, type MakeContext } from './commands/_shared/lazy.js';
import { registerAppointmentCommands } from './commands/appointment/index.js';
import { registerDbCommands } from './commands/db/index.js';
import { registerDoctorCommands } from './commands/doctor/index.js';
import { registerHospitalCommands } from './commands/hospital/index.js';
import { registerMessageCommands } from './commands/message/index.js';
import { registerOwnerCrmCommands } from './commands/owner/owner-crm.js';
import { registerPatientCommands } from './commands/patient/index.js';
import { registerReminderCommands } from './commands/reminder/index.js';
import { type Config, loadConfig } from './core/config.js';
import { mapDriverError } from './core/db/driver-errors.js';
import { CrmError, ExitCode } from './core/errors.js';

export function buildProgram(makeContext: MakeContext): Command {
  const program = new Command('crm')
    .description(
      'Back office of the partner-hospital network: owners, contracts and payouts; patients, appointments and reminders.',
    )
    .version(process.env.npm_package_version ?? '0.1.0', '-V, --version')
    .option('--json', 'print one JSON document on stdout (read and run commands)')
    .option('--operator <name>', 'who is running this (default: CRM_OPERATOR, else the OS user)')
    .option('--database-url <url>', 'PostgreSQL URL (default: DATABASE_URL, else the embedded database)')
    .option('-v, --verbose', 'show stack traces and details of errors')
    .addOption(new Option('--no-color', 'no colour in output (also when NO_COLOR is set)'))
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });
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
  registerReminderCommands(program, action);
  registerMessageCommands(program, action);
  for (const group of program.commands)
    group.exitOverride().showHelpAfterError('(run with --help for usage)');
  return program;
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
  const mapped = error instanceof CrmError ? error : mapDriverError(error);
  if (mapped) {
    stderr.write(`crm: error: ${mapped.message}\n`);
    if (verbose && mapped.stack) stderr.write(`${mapped.stack}\n`);
    return mapped.exitCode;
  }
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  stderr.write(`crm: unexpected error: ${message}${verbose ? '' : ' (run with --verbose for details)'}\n`);
  if (verbose && error instanceof Error) stderr.write(`${error.stack}\n`);
  return ExitCode.unexpected;
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
  const commandLine = ['crm', ...argv.slice(2).map((a) => (/^postgres(ql)?:\/\//.test(a) ? '***' : a))].join(
    ' ',
  );
  let warnedNow = false;
  const makeContext: MakeContext = (flags, need) => {
    const ctx = createContext(io, config, flags, commandLine, need);
    if (config.fixedNow && !warnedNow) {
      warnedNow = true;
      ctx.warn(`CRM_NOW is set: running as if it were ${config.fixedNow.toISO()}`);
    }
    return ctx;
  };
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
