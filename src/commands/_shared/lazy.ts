import type { Command } from 'commander';
import type { CommandContext, GlobalFlags } from './context.js';

/**
 * A command module: its `run` gets the context, the positional arguments and the flags. Each
 * command declares its flags as an interface extending GlobalFlags (commander gives option
 * values as strings, booleans or, for repeatable options, string arrays).
 */
export interface CommandModule<F extends GlobalFlags = GlobalFlags> {
  run(ctx: CommandContext, args: string[], flags: F): Promise<void>;
}

/**
 * What a command needs of the embedded data folder, declared by every command where it is
 * registered: `creates-database` may turn a folder that does not exist (or is empty) into a new
 * database — commands that can do their work on an empty database: adding, importing patients,
 * `db migrate`; `needs-database` is exit 7 "no database at …" there — everything that reads, or
 * runs a period or a queue, so that a mistyped CRM_DATA_DIR in a cron line fails loudly instead
 * of answering from a new empty database. PostgreSQL databases are never created by `crm`.
 */
export type DatabaseNeed = 'creates-database' | 'needs-database';

export type ActionFactory = <F extends GlobalFlags>(
  need: DatabaseNeed,
  load: () => Promise<CommandModule<F>>,
) => (...args: unknown[]) => Promise<void>;

export type MakeContext = (flags: GlobalFlags, need: DatabaseNeed) => CommandContext;

/**
 * Builds commander actions that import their module only when the command runs, so that
 * `crm --help` loads commander and nothing else.
 */
export function lazyActions(makeContext: MakeContext): ActionFactory {
  return <F extends GlobalFlags>(need: DatabaseNeed, load: () => Promise<CommandModule<F>>) =>
    async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      const flags = command.optsWithGlobals() as F;
      const positional = args.slice(0, -2).flat() as string[];
      const module = await load();
      await module.run(makeContext(flags, need), positional, flags);
    };
}

export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

/** Collects a repeatable flag (`--map a=b --map c=d`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
