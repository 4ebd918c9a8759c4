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

export type ActionFactory = <F extends GlobalFlags>(
  load: () => Promise<CommandModule<F>>,
) => (...args: unknown[]) => Promise<void>;

/**
 * Builds commander actions that import their module only when the command runs, so that
 * `crm --help` loads commander and nothing else.
 */
export function lazyActions(makeContext: (flags: GlobalFlags) => CommandContext): ActionFactory {
  return <F extends GlobalFlags>(load: () => Promise<CommandModule<F>>) =>
    async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      const flags = command.optsWithGlobals() as F;
      const positional = args.slice(0, -2).flat() as string[];
      const module = await load();
      await module.run(makeContext(flags), positional, flags);
    };
}

export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

/** Collects a repeatable flag (`--map a=b --map c=d`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
